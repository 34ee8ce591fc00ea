{{/* Names: <release>-<stage>, cut to 63 characters. */}}
{{- define "loop.fullname" -}}
{{- printf "%s-%s" .root.Release.Name .name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "loop.labels" -}}
app.kubernetes.io/name: {{ .name }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/part-of: gourmetgram-loop
app.kubernetes.io/version: {{ .root.Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .root.Chart.Name .root.Chart.Version }}
{{- end -}}

{{- define "loop.selectorLabels" -}}
app.kubernetes.io/name: {{ .name }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
{{- end -}}

{{- define "loop.image" -}}
{{- $i := .root.Values.image -}}
{{- printf "%s/%s/%s:%s" $i.registry $i.repository .name (default .root.Chart.AppVersion $i.tag) -}}
{{- end -}}

{{/* A stage's settings: the defaults, overridden by its own entry. */}}
{{- define "loop.stage" -}}
{{- $merged := mergeOverwrite (deepCopy .root.Values.defaults) (deepCopy .stage) -}}
{{- toYaml $merged -}}
{{- end -}}

{{/* Kafka client settings every stage and the lag exporter share (spring.kafka.properties.* by environment). */}}
{{- define "loop.kafkaEnv" -}}
{{- $k := .Values.kafka -}}
- name: KAFKA_BOOTSTRAP_SERVERS
  value: {{ $k.bootstrapServers | quote }}
- name: SPRING_KAFKA_PROPERTIES_SECURITY_PROTOCOL
  value: {{ $k.securityProtocol | quote }}
{{- if $k.sasl.mechanism }}
{{- if not $k.sasl.existingSecret }}{{ fail "kafka.sasl.existingSecret must name the Secret with the SASL username and password" }}{{ end }}
- name: KAFKA_SASL_USERNAME
  valueFrom: { secretKeyRef: { name: {{ $k.sasl.existingSecret | quote }}, key: {{ $k.sasl.usernameKey | quote }} } }
- name: KAFKA_SASL_PASSWORD
  valueFrom: { secretKeyRef: { name: {{ $k.sasl.existingSecret | quote }}, key: {{ $k.sasl.passwordKey | quote }} } }
- name: SPRING_KAFKA_PROPERTIES_SASL_MECHANISM
  value: {{ $k.sasl.mechanism | quote }}
- name: SPRING_KAFKA_PROPERTIES_SASL_JAAS_CONFIG
  {{- $module := ternary "org.apache.kafka.common.security.plain.PlainLoginModule" "org.apache.kafka.common.security.scram.ScramLoginModule" (eq $k.sasl.mechanism "PLAIN") }}
  value: {{ printf "%s required username=\"$(KAFKA_SASL_USERNAME)\" password=\"$(KAFKA_SASL_PASSWORD)\";" $module | quote }}
{{- end }}
{{- if $k.tls.existingSecret }}
- name: SPRING_KAFKA_PROPERTIES_SSL_TRUSTSTORE_LOCATION
  value: {{ printf "/etc/gourmetgram/kafka-tls/%s" $k.tls.truststoreKey | quote }}
- name: SPRING_KAFKA_PROPERTIES_SSL_TRUSTSTORE_PASSWORD
  valueFrom: { secretKeyRef: { name: {{ $k.tls.existingSecret | quote }}, key: {{ $k.tls.truststorePasswordKey | quote }} } }
{{- if $k.tls.keystoreKey }}
- name: SPRING_KAFKA_PROPERTIES_SSL_KEYSTORE_LOCATION
  value: {{ printf "/etc/gourmetgram/kafka-tls/%s" $k.tls.keystoreKey | quote }}
- name: SPRING_KAFKA_PROPERTIES_SSL_KEYSTORE_PASSWORD
  valueFrom: { secretKeyRef: { name: {{ $k.tls.existingSecret | quote }}, key: {{ $k.tls.keystorePasswordKey | quote }} } }
{{- end }}
{{- end }}
{{- end -}}

{{- define "loop.kafkaTlsVolume" -}}
{{- if .Values.kafka.tls.existingSecret }}
- name: kafka-tls
  secret: { secretName: {{ .Values.kafka.tls.existingSecret | quote }} }
{{- end }}
{{- end -}}

{{- define "loop.kafkaTlsMount" -}}
{{- if .Values.kafka.tls.existingSecret }}
- name: kafka-tls
  mountPath: /etc/gourmetgram/kafka-tls
  readOnly: true
{{- end }}
{{- end -}}
