export {
  DEFAULT_DELAY_MS,
  parseHostPort,
  startLatencyProxy,
  type LatencyProxy,
  type LatencyProxyOptions,
} from './proxy.js';
