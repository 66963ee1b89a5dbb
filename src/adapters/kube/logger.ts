/** The slice of a pino logger the Kubernetes adapter uses; pass `logger.child({ component: 'kube' })`. */
export interface KubeClientLogger {
  info(obj: Record<string, unknown>, msg: string): void;
  warn(obj: Record<string, unknown>, msg: string): void;
}
