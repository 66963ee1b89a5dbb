{{/*
Names and labels. Kubernetes names are at most 63 characters.
*/}}
{{- define "wavegate.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "wavegate.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- define "wavegate.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "wavegate.selectorLabels" -}}
app.kubernetes.io/name: {{ include "wavegate.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "wavegate.labels" -}}
helm.sh/chart: {{ include "wavegate.chart" . }}
{{ include "wavegate.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/component: analysis
app.kubernetes.io/part-of: wavegate
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end -}}

{{- define "wavegate.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "wavegate.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/*
The image: repository@digest when a digest is set, else repository:tag (tag defaults to appVersion).
*/}}
{{- define "wavegate.image" -}}
{{- if .Values.image.digest -}}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest -}}
{{- else -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) -}}
{{- end -}}
{{- end -}}

{{/*
True (non-empty) when the chart itself ships AnalysisTemplates: files in values or
charts/wavegate/analysis-templates/*.yaml.
*/}}
{{- define "wavegate.chartHasTemplates" -}}
{{- if or .Values.analysisTemplates.files (.Files.Glob "analysis-templates/*.yaml") -}}
true
{{- end -}}
{{- end -}}

{{/*
Name of the ConfigMap mounted at analysisTemplates.mountPath, or empty when the image's built-in
templates are used.
*/}}
{{- define "wavegate.templatesConfigMap" -}}
{{- if .Values.analysisTemplates.existingConfigMap -}}
{{- .Values.analysisTemplates.existingConfigMap -}}
{{- else if include "wavegate.chartHasTemplates" . -}}
{{- printf "%s-templates" (include "wavegate.fullname" .) -}}
{{- end -}}
{{- end -}}

{{/*
Refuses configurations that would run but misbehave.
*/}}
{{- define "wavegate.validate" -}}
{{- if and (gt (int .Values.replicaCount) 1) (not .Values.redis.enabled) -}}
{{- fail "replicaCount > 1 needs redis.enabled=true: without REDIS_URL every pod keeps its own in-memory analyses, and a hook call routed to another pod would not find its analysis" -}}
{{- end -}}
{{- if and .Values.redis.enabled (not .Values.secrets.existingSecret) -}}
{{- fail "redis.enabled=true needs secrets.existingSecret: REDIS_URL is read from that Secret (key secrets.keys.redisUrl), never from values" -}}
{{- end -}}
{{- end -}}
