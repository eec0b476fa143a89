{{/* Names and labels shared by every object of the chart. */}}
{{- define "outbox.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "outbox.labels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{- define "outbox.selector" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "outbox.image" -}}
{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}
{{- end -}}

{{- define "outbox.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}{{ default (include "outbox.fullname" .) .Values.serviceAccount.name }}{{- else -}}{{ default "default" .Values.serviceAccount.name }}{{- end -}}
{{- end -}}

{{/* The restricted security context (Pod Security Standards "restricted"). */}}
{{- define "outbox.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: 1000
runAsGroup: 1000
fsGroup: 1000
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{- define "outbox.containerSecurityContext" -}}
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
capabilities:
  drop: ["ALL"]
{{- end -}}

{{/* The engine's environment: every secret by reference, nothing secret in the manifest. */}}
{{- define "outbox.env" -}}
- name: DATABASE_URL
  valueFrom:
    secretKeyRef:
      name: {{ required "database.urlSecret.name is required: a Secret with the PostgreSQL URL" .Values.database.urlSecret.name }}
      key: {{ .Values.database.urlSecret.key }}
- name: OUTBOX_DB_STATEMENT_TIMEOUT
  value: {{ .Values.database.statementTimeout | quote }}
- name: OUTBOX_HTTP_HOST
  value: "0.0.0.0"
- name: OUTBOX_HTTP_PORT
  value: {{ .Values.service.port | quote }}
{{- if .Values.temporal.profile.secretName }}
- name: TEMPORAL_CONFIG_FILE
  value: /etc/outbox/temporal-profile/temporal.toml
{{- if .Values.temporal.profile.name }}
- name: TEMPORAL_PROFILE
  value: {{ .Values.temporal.profile.name | quote }}
{{- end }}
{{- else }}
- name: TEMPORAL_ADDRESS
  value: {{ required "temporal.address is required (host:port of the Temporal frontend)" .Values.temporal.address | quote }}
- name: TEMPORAL_NAMESPACE
  value: {{ .Values.temporal.namespace | quote }}
{{- end }}
{{- if .Values.temporal.apiKeySecret.name }}
- name: TEMPORAL_API_KEY
  valueFrom:
    secretKeyRef:
      name: {{ .Values.temporal.apiKeySecret.name }}
      key: {{ .Values.temporal.apiKeySecret.key }}
{{- end }}
{{- if .Values.temporal.tls.enabled }}
- name: TEMPORAL_TLS
  value: "true"
{{- if .Values.temporal.tls.secretName }}
- name: TEMPORAL_TLS_CLIENT_CERT_PATH
  value: /etc/outbox/temporal-tls/tls.crt
- name: TEMPORAL_TLS_CLIENT_KEY_PATH
  value: /etc/outbox/temporal-tls/tls.key
{{- if .Values.temporal.tls.serverCaFromSecret }}
- name: TEMPORAL_TLS_SERVER_CA_CERT_PATH
  value: /etc/outbox/temporal-tls/ca.crt
{{- end }}
{{- end }}
{{- if .Values.temporal.tls.serverName }}
- name: TEMPORAL_TLS_SERVER_NAME
  value: {{ .Values.temporal.tls.serverName | quote }}
{{- end }}
{{- end }}
{{- if .Values.payloadKeysSecret.name }}
- name: OUTBOX_PAYLOAD_KEYS
  valueFrom:
    secretKeyRef:
      name: {{ .Values.payloadKeysSecret.name }}
      key: {{ .Values.payloadKeysSecret.key }}
{{- end }}
{{- if .Values.secretKeysSecret.name }}
- name: OUTBOX_SECRET_KEYS
  valueFrom:
    secretKeyRef:
      name: {{ .Values.secretKeysSecret.name }}
      key: {{ .Values.secretKeysSecret.key }}
{{- end }}
{{- range $name, $value := .Values.env }}
- name: {{ $name }}
  value: {{ $value | quote }}
{{- end }}
{{- end -}}

{{/* Mounted files: the client certificate (renewed in place by cert-manager), a TOML profile, and /tmp. */}}
{{- define "outbox.volumeMounts" -}}
- name: tmp
  mountPath: /tmp
{{- if and .Values.temporal.tls.enabled .Values.temporal.tls.secretName }}
- name: temporal-tls
  mountPath: /etc/outbox/temporal-tls
  readOnly: true
{{- end }}
{{- if .Values.temporal.profile.secretName }}
- name: temporal-profile
  mountPath: /etc/outbox/temporal-profile
  readOnly: true
{{- end }}
{{- end -}}

{{- define "outbox.volumes" -}}
- name: tmp
  emptyDir: {}
{{- if and .Values.temporal.tls.enabled .Values.temporal.tls.secretName }}
- name: temporal-tls
  secret:
    secretName: {{ .Values.temporal.tls.secretName }}
{{- end }}
{{- if .Values.temporal.profile.secretName }}
- name: temporal-profile
  secret:
    secretName: {{ .Values.temporal.profile.secretName }}
{{- end }}
{{- end -}}
