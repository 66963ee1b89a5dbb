export { createPrometheusClient, type PrometheusClientLogger, type PrometheusClientOptions } from './prometheus-client.js';
