# syntax=docker/dockerfile:1
#
# wavegate image: build the TypeScript once, ship only production dependencies and dist/.
#
#   docker build -t wavegate:local .
#   docker run --rm -p 8080:8080 -e PROMETHEUS_URL=http://prometheus:9090 wavegate:local
#
# The runtime stage runs as the numeric non-root user 1000 (the `node` user of the base image), so
# Kubernetes' runAsNonRoot can verify it, and writes nothing outside /tmp (the Helm chart mounts the
# root filesystem read-only).

ARG NODE_IMAGE=node:20-bookworm-slim

# ---- build: dev dependencies + tsc -------------------------------------------------------------
FROM ${NODE_IMAGE} AS build
WORKDIR /app
ENV npm_config_update_notifier=false npm_config_fund=false npm_config_audit=false
COPY package.json package-lock.json ./
RUN npm ci
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

# ---- deps: production dependencies only ------------------------------------------------------
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
ENV npm_config_update_notifier=false npm_config_fund=false npm_config_audit=false
COPY package.json package-lock.json ./
RUN npm ci --omit=dev && npm cache clean --force

# ---- runtime -----------------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS runtime
LABEL org.opencontainers.image.title="wavegate" \
      org.opencontainers.image.description="SLO-aware canary analysis from Prometheus" \
      org.opencontainers.image.licenses="Apache-2.0"
WORKDIR /app
ENV NODE_ENV=production \
    PORT=8080 \
    HOST=0.0.0.0 \
    TEMPLATES_DIR=/app/analysis-templates
# Owned by root and read-only for the runtime user: the process cannot rewrite its own code.
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
# The built-in AnalysisTemplates; the Helm chart or compose may mount others and set TEMPLATES_DIR.
COPY analysis-templates ./analysis-templates
USER 1000:1000
EXPOSE 8080
# Liveness only (the event loop answers); readiness (/readyz) also needs templates and the store,
# which is the orchestrator's business, not a reason to mark the container unhealthy.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 8080) + '/healthz', { signal: AbortSignal.timeout(4000) }).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
STOPSIGNAL SIGTERM
CMD ["node", "dist/main.js"]
