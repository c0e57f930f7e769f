/**
 * What a server span's user agent says about its caller: a browser (a person),
 * a probe or a command-line tool (not a traced service), or the HTTP client of
 * a program, with what would instrument it. Only the client names that HTTP
 * libraries send by default are known; anything else is 'unknown'.
 */
export type Caller =
  | { kind: 'browser' }
  | { kind: 'probe' }
  | { kind: 'program'; client: string; advice: string }
  | { kind: 'unknown' };

const PROBES = /kube-probe|ELB-HealthChecker|GoogleHC|Prometheus|Consul Health|Blackbox|UptimeRobot|Pingdom|^curl\/|^Wget\/|^HTTPie\//i;
const BROWSER = /^Mozilla\/5\.0 .*(Chrome|Safari|Firefox|Edg|OPR)\//;

/** [pattern, client, what instruments it], the first that matches wins. */
const PROGRAMS: ReadonlyArray<[RegExp, string, string]> = [
  [/^(node|undici)$/i, "Node.js's global fetch (undici)", 'add @opentelemetry/instrumentation-undici (instrumentation-http does not cover fetch)'],
  [/^node-fetch\//i, 'node-fetch', '@opentelemetry/instrumentation-http instruments it: register it before node-fetch is loaded (with ES modules, --import the setup)'],
  [/^axios\//i, 'axios', '@opentelemetry/instrumentation-http instruments it: register it before axios is loaded (with ES modules, --import the setup)'],
  [/^got\b/i, 'got', '@opentelemetry/instrumentation-http instruments it: register it before got is loaded'],
  [/^python-requests\//i, 'Python requests', 'add opentelemetry-instrumentation-requests'],
  [/^python-httpx\//i, 'Python httpx', 'add opentelemetry-instrumentation-httpx'],
  [/aiohttp\//i, 'Python aiohttp', 'add opentelemetry-instrumentation-aiohttp-client'],
  [/^python-urllib3\/|^Python-urllib\//i, 'Python urllib', 'add opentelemetry-instrumentation-urllib3 / -urllib'],
  [/^Go-http-client\//, "Go's net/http client", 'wrap its transport: &http.Client{Transport: otelhttp.NewTransport(http.DefaultTransport)}'],
  [/^(Java-http-client|Apache-HttpClient|okhttp|ReactorNetty|Jetty)\b/i, 'a Java HTTP client', 'the OpenTelemetry Java agent instruments it: check the agent is attached to this service'],
  [/^(Ruby|Faraday)\b/i, 'a Ruby HTTP client', 'add the OpenTelemetry instrumentation for it (opentelemetry-instrumentation-net_http, -faraday)'],
  [/^(GuzzleHttp|Symfony HttpClient)\b/i, 'a PHP HTTP client', 'add opentelemetry-auto-guzzle / -http'],
];

export function callerOf(userAgent: unknown): Caller {
  if (typeof userAgent !== 'string' || userAgent === '') return { kind: 'unknown' };
  if (PROBES.test(userAgent)) return { kind: 'probe' };
  if (BROWSER.test(userAgent)) return { kind: 'browser' };
  for (const [pattern, client, advice] of PROGRAMS) if (pattern.test(userAgent)) return { kind: 'program', client, advice };
  return { kind: 'unknown' };
}

/** What to instrument when the user agent does not say, from the calling service's SDK language. */
export function adviceForLanguage(language: unknown): string {
  switch (language) {
    case 'nodejs':
      return "instrument its HTTP client (Node.js's global fetch needs @opentelemetry/instrumentation-undici; http, axios and node-fetch need @opentelemetry/instrumentation-http)";
    case 'python':
      return 'instrument its HTTP client (opentelemetry-instrumentation-requests, -httpx, -aiohttp-client, -urllib3)';
    case 'go':
      return 'wrap its HTTP transport with otelhttp.NewTransport';
    case 'java':
      return 'attach the OpenTelemetry Java agent, which instruments its HTTP clients';
    case 'dotnet':
      return 'add OpenTelemetry.Instrumentation.Http (HttpClient)';
    default:
      return 'instrument its HTTP client so that it makes a CLIENT span and sends traceparent';
  }
}
