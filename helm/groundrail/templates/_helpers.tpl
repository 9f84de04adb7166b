{{/* The chart's name, or nameOverride. */}}
{{- define "groundrail.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* A fully qualified app name, at most 63 characters (a DNS label). */}}
{{- define "groundrail.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "groundrail.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "groundrail.labels" -}}
helm.sh/chart: {{ include "groundrail.chart" . }}
{{ include "groundrail.selectorLabels" . }}
app.kubernetes.io/version: {{ .Values.image.tag | default .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{- define "groundrail.selectorLabels" -}}
app.kubernetes.io/name: {{ include "groundrail.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "groundrail.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "groundrail.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "groundrail.image" -}}
{{- printf "%s:%s" .Values.image.repository (.Values.image.tag | default .Chart.AppVersion) }}
{{- end }}

{{- define "groundrail.policiesConfigMap" -}}
{{- .Values.existingPoliciesConfigMap | default (printf "%s-policies" (include "groundrail.fullname" .)) }}
{{- end }}

{{/* Where the pod reads its settings and policies. */}}
{{- define "groundrail.configDir" -}}/etc/groundrail/config{{- end }}
{{- define "groundrail.configFile" -}}{{ include "groundrail.configDir" . }}/groundrail.yaml{{- end }}
{{- define "groundrail.policiesDir" -}}/etc/groundrail/policies{{- end }}

{{/*
The Redis URL as a literal, or "" when it comes from a Secret or Redis is off. Fails when more
than one source is set.
*/}}
{{- define "groundrail.redisSources" -}}
{{- $r := .Values.redis }}
{{- $n := 0 }}
{{- if $r.url }}{{ $n = add1 $n }}{{ end }}
{{- if $r.existingSecret.name }}{{ $n = add1 $n }}{{ end }}
{{- if or $r.sentinel.masterName $r.sentinel.hosts }}{{ $n = add1 $n }}{{ end }}
{{- $n }}
{{- end }}

{{/*
The Redis URL for the GROUNDRAIL_REDIS_URL env var ("" when it comes from a Secret or Redis is
off). Passwords from Secrets enter it as $(VAR) references, which Kubernetes expands from the
env vars defined before it: the password never appears in the manifest.
*/}}
{{- define "groundrail.redisUrl" -}}
{{- $r := .Values.redis }}
{{- if gt (int (include "groundrail.redisSources" .)) 1 }}
{{- fail "redis: set only one of url, existingSecret.name and sentinel" }}
{{- end }}
{{- $auth := "" }}
{{- if $r.passwordSecret.name }}
{{- if $r.existingSecret.name }}
{{- fail "redis.passwordSecret cannot be combined with redis.existingSecret: put the password in that URL" }}
{{- end }}
{{- $auth = ":$(GROUNDRAIL_REDIS_PASSWORD)@" }}
{{- end }}
{{- if $r.url }}
{{- $parts := splitn "://" 2 $r.url }}
{{- if and $auth (contains "@" $parts._1) }}
{{- fail "redis.url already carries credentials: drop redis.passwordSecret, or the credentials from the URL" }}
{{- end }}
{{- printf "%s://%s%s" $parts._0 $auth $parts._1 }}
{{- else if or $r.sentinel.masterName $r.sentinel.hosts }}
{{- if not (and $r.sentinel.masterName $r.sentinel.hosts) }}
{{- fail "redis.sentinel needs both masterName and hosts" }}
{{- end }}
{{- $scheme := ternary "rediss+sentinel" "redis+sentinel" (default false $r.sentinel.tls) }}
{{- $url := printf "%s://%s%s/%s/%d" $scheme $auth (join "," $r.sentinel.hosts) $r.sentinel.masterName (int $r.sentinel.db) }}
{{- if ($r.sentinel.passwordSecret | default dict).name }}
{{- $url = printf "%s?sentinel_password=$(GROUNDRAIL_REDIS_SENTINEL_PASSWORD)" $url }}
{{- end }}
{{- $url }}
{{- end }}
{{- end }}

{{/* "true" when Redis is configured at all. */}}
{{- define "groundrail.redisEnabled" -}}
{{- if gt (int (include "groundrail.redisSources" .)) 0 }}true{{ end }}
{{- end }}

{{/*
groundrail.yaml: .Values.config, plus the gateway keys and the Redis URL the chart wires in as
${ENV} references (their values stay in Secrets and never reach the ConfigMap).
*/}}
{{- define "groundrail.configFileContent" -}}
{{- $config := deepCopy (.Values.config | default dict) }}
{{- range $setting := list "host" "port" "config" "policies" }}
{{- if hasKey $config $setting }}
{{- fail (printf "config.%s is set by the chart; use the chart's values (containerPort, policies) instead" $setting) }}
{{- end }}
{{- end }}
{{- if .Values.gatewayKeys }}
{{- $keys := deepCopy ($config.keys | default dict) }}
{{- range $i, $k := .Values.gatewayKeys }}
{{- $entry := dict "tenant" $k.tenant }}
{{- if $k.upstreamKey }}
{{- $_ := set $entry "upstream_key" (printf "${GROUNDRAIL_GATEWAY_UPSTREAM_KEY_%d}" $i) }}
{{- end }}
{{- if $k.admin }}
{{- $_ := set $entry "admin" true }}
{{- end }}
{{- $_ := set $keys (printf "${GROUNDRAIL_GATEWAY_KEY_%d}" $i) $entry }}
{{- end }}
{{- $_ := set $config "keys" $keys }}
{{- end }}
{{- if include "groundrail.redisEnabled" . }}
{{- $_ := set $config "redis_url" "${GROUNDRAIL_REDIS_URL}" }}
{{- end }}
{{- toYaml $config }}
{{- end }}
