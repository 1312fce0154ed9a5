/**
 * The per-tenant operations view the module creates in CloudWatch: saved Logs Insights queries
 * (local.log_queries, aws_cloudwatch_query_definition.tenant) and a dashboard
 * (aws_cloudwatch_dashboard.tenants, body from templates/dashboard.json.tftpl).
 *
 * Without AWS or terraform, the tests check what can go wrong silently: a query that names a
 * field no log line carries (it returns nothing, it does not fail), a widget on a metric or
 * dimension that does not exist (it shows no data), and a dashboard body that is not the JSON
 * CloudWatch wants. The template is rendered here as templatefile() would render it: each
 * `${...}` is parsed with HashiCorp's HCL parser and evaluated by the module evaluator, with the
 * template's variables as the only names in scope.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { type Evaluator, interpolationEnd } from '../../scripts/lib/terraform/evaluate.js';
import { referencesIn } from '../../scripts/lib/terraform/expressions.js';
import { type HclBody, type HclValue, isBody } from '../../scripts/lib/terraform/hcl.js';
import { loadModule, type Module } from '../../scripts/lib/terraform/module.js';
import { FUNCTIONS, type FunctionKey } from '../../src/local/lambda/functions.js';
import { BASIC_IDENTITIES, evaluatorOf } from './support/evaluation.js';
import { REPO_ROOT } from './support/paths.js';

let mod: Module;
beforeAll(async () => {
  mod = await loadModule(REPO_ROOT);
});

const evaluator = (vars: Record<string, HclValue> = {}): Evaluator => evaluatorOf(mod, vars);

const IDENTITIES = BASIC_IDENTITIES;

interface LogQuery {
  title: string;
  functions: string[];
  query: string;
}

const logQueries = async (ev: Evaluator = evaluator()): Promise<Record<string, LogQuery>> =>
  (await ev.evaluate('${local.log_queries}')) as unknown as Record<string, LogQuery>;

/** The functions whose logs carry a tenant: those with tenant isolation. */
const TENANT_FUNCTIONS = (Object.keys(FUNCTIONS) as FunctionKey[]).filter(
  (key) => FUNCTIONS[key].tenantIsolation,
);

// ── Fields ──────────────────────────────────────────────────────────────────────────────────

/**
 * Every field a query may use, with where it comes from. A field outside this list would match
 * no log line.
 */
const DOCUMENTED_FIELDS: Record<string, string> = {
  // Lambda's JSON application log lines; tenantId on a function with tenant isolation.
  // https://docs.aws.amazon.com/lambda/latest/dg/tenant-isolation-monitor.html
  // https://docs.aws.amazon.com/lambda/latest/dg/telemetry-schema-reference.html#telemetry-api-function
  timestamp: 'Lambda JSON application log',
  level: 'Lambda JSON application log',
  requestId: 'Lambda JSON application log',
  tenantId: 'Lambda JSON application log (tenant isolation)',
  message: 'Lambda JSON application log',
  // An Error logged by the Node.js runtime itself (an unhandled one), serialized under message.
  // https://github.com/aws/aws-lambda-nodejs-runtime-interface-client/blob/main/src/LogPatch.js
  'message.errorType': 'Node.js runtime, Error under message',
  'message.errorMessage': 'Node.js runtime, Error under message; also our code',
  'message.stackTrace': 'Node.js runtime, Error under message',
  // Lambda's platform events in JSON; record.tenantId on a function with tenant isolation.
  // https://docs.aws.amazon.com/lambda/latest/dg/tenant-isolation-monitor.html
  // https://docs.aws.amazon.com/lambda/latest/dg/telemetry-schema-reference.html#platform-report
  time: 'platform event',
  type: 'platform event',
  'record.requestId': 'platform.start / platform.report',
  'record.tenantId': 'platform event (tenant isolation)',
  'record.status': 'platform.report: success | failure | error | timeout',
  'record.errorType': 'platform.report on failure or error',
  'record.metrics.durationMs': 'platform.report ReportMetrics',
  'record.metrics.billedDurationMs': 'platform.report ReportMetrics',
  'record.metrics.initDurationMs': 'platform.report ReportMetrics, only on a cold start',
  'record.metrics.maxMemoryUsedMB': 'platform.report ReportMetrics',
  'record.metrics.memorySizeMB': 'platform.report ReportMetrics',
  // Fields Logs Insights adds to every event: @logStream is one execution environment.
  // https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/CWL_AnalyzeLogData-discoverable-fields.html
  '@timestamp': 'Logs Insights',
  '@message': 'Logs Insights',
  '@logStream': 'Logs Insights (one per execution environment)',
  '@log': 'Logs Insights (the log group)',
};

/** The keys of the objects our code logs (`log('ERROR', { … })`), outside the local stack. */
const codeLogFields = (): Set<string> => {
  const files = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) return path.endsWith(join('src', 'local')) ? [] : files(path);
      return entry.name.endsWith('.ts') ? [path] : [];
    });
  const keys = new Set<string>();
  for (const file of files(join(REPO_ROOT, 'src'))) {
    const text = readFileSync(file, 'utf8');
    for (const call of text.matchAll(/\blog\(\s*'(?:INFO|WARN|ERROR)',\s*\{([\s\S]*?)\}\s*\)/g)) {
      for (const key of (call[1] ?? '').matchAll(/^\s*(\w+):/gm)) keys.add(`message.${key[1]}`);
    }
  }
  return keys;
};

const KEYWORDS = new Set(
  [
    'fields filter stats sort limit display parse dedup unmask pattern',
    'by as and or not in like asc desc',
  ]
    .join(' ')
    .split(' '),
);

/** The fields a Logs Insights query reads: not commands, functions, literals or its aliases. */
const fieldsOf = (query: string): string[] => {
  const code = query.replace(/'[^']*'|"[^"]*"/g, "''");
  const aliases = new Set([...code.matchAll(/\bas\s+([A-Za-z_]\w*)/g)].map((m) => m[1]));
  const fields = new Set<string>();
  for (const match of code.matchAll(/(@?[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*)(\s*\()?/g)) {
    const [, name = '', call] = match;
    if (call || KEYWORDS.has(name) || aliases.has(name)) continue;
    fields.add(name);
  }
  return [...fields].sort();
};

describe('saved Logs Insights queries', () => {
  it('reads its own field list right', () => {
    expect(
      fieldsOf("filter a.b = 'x.y' | fields coalesce(c, d) as e | stats count(*) as n by e, @log"),
    ).toEqual(['@log', 'a.b', 'c', 'd']);
  });

  it('counts requests, errors, cold starts and environments by tenant', async () => {
    expect(Object.keys(await logQueries()).sort()).toEqual([
      'cold-starts-by-tenant',
      'environments-by-tenant',
      'errors-by-tenant',
      'requests-by-tenant',
    ]);
  });

  it('uses only fields that Lambda documents or our code writes', async () => {
    const ours = codeLogFields();
    expect([...ours].sort()).toEqual([
      'message.errorMessage',
      'message.errorName',
      'message.message',
    ]);
    const allowed = new Set([...Object.keys(DOCUMENTED_FIELDS), ...ours]);
    for (const [name, { query }] of Object.entries(await logQueries())) {
      const fields = fieldsOf(query);
      expect(fields.length, name).toBeGreaterThan(0);
      expect(
        fields.filter((field) => !allowed.has(field)),
        name,
      ).toEqual([]);
    }
  });

  it.each([
    ['requests-by-tenant', ['type', 'record.tenantId'], ["type = 'platform.report'", 'count(*)']],
    [
      'errors-by-tenant',
      [
        'level',
        'type',
        'record.status',
        'tenantId',
        'record.tenantId',
        'requestId',
        'record.requestId',
      ],
      ["level = 'ERROR'", "record.status != 'success'", 'count_distinct(request)', '@log'],
    ],
    [
      'cold-starts-by-tenant',
      ['type', 'record.tenantId', 'record.metrics.initDurationMs'],
      ['ispresent(record.metrics.initDurationMs)', 'count(*)', 'pct(initMs, 50)', 'max(initMs)'],
    ],
    [
      'environments-by-tenant',
      ['type', 'record.tenantId', '@logStream'],
      ['count_distinct(@logStream)'],
    ],
  ])('%s reads the fields it needs and aggregates by tenant', async (name, fields, phrases) => {
    const query = (await logQueries())[name]?.query ?? '';
    expect(fieldsOf(query)).toEqual(expect.arrayContaining(fields));
    for (const phrase of phrases) expect(query).toContain(phrase);
    expect(query).toMatch(/\bby tenant\b/);
  });

  it.each(IDENTITIES)(
    'saves each query under <prefix>/ on the log groups of the functions it reads (%s)',
    async (_label, vars) => {
      const ev = evaluator(vars);
      const queries = await logQueries(ev);
      const deployed = await ev.keysOf('aws_lambda_function.this');
      expect(await ev.keysOf('aws_cloudwatch_query_definition.tenant')).toEqual(
        Object.keys(queries).sort(),
      );
      for (const [name, query] of Object.entries(queries)) {
        const expected = name === 'errors-by-tenant' ? deployed : TENANT_FUNCTIONS;
        expect([...query.functions].sort(), name).toEqual([...expected].sort());
        const definition = await ev.instance('aws_cloudwatch_query_definition.tenant', name);
        expect(definition).toMatchObject({
          name: `acme/${name}`,
          query_string: query.query,
          log_group_names: query.functions.map(
            (key) => `\${aws_cloudwatch_log_group.function["${key}"].name}`,
          ),
        });
      }
    },
  );

  it('names the log groups as the log group resources do', async () => {
    const ev = evaluator();
    const names = (await ev.evaluate('${local.log_group_names}')) as Record<string, string>;
    for (const key of await ev.keysOf('aws_cloudwatch_log_group.function')) {
      const group = await ev.instance('aws_cloudwatch_log_group.function', key);
      expect(group.name).toBe(names[key]);
      expect(group.name).toBe(`/aws/lambda/acme-${key}`);
    }
  });
});

// ── Dashboard ───────────────────────────────────────────────────────────────────────────────

const TEMPLATE = join(REPO_ROOT, 'templates', 'dashboard.json.tftpl');

/** The `${...}` interpolations of a template, as their inner expression text. */
const interpolations = (text: string): { start: number; end: number; expression: string }[] => {
  const found: { start: number; end: number; expression: string }[] = [];
  for (let at = text.indexOf('${'); at >= 0; at = text.indexOf('${', at)) {
    const end = interpolationEnd(text, at);
    found.push({ start: at, end: end + 1, expression: text.slice(at + 2, end) });
    at = end + 1;
  }
  return found;
};

/** templatefile(path, vars) for a template made of literal text and `${...}` only. */
const renderTemplate = async (text: string, vars: Record<string, HclValue>): Promise<string> => {
  const ev = evaluator();
  let out = '';
  let at = 0;
  for (const { start, end, expression } of interpolations(text)) {
    const value = await ev.value(`\${${expression}}`, vars as Parameters<Evaluator['value']>[1]);
    if (typeof value !== 'string') throw new Error(`\${${expression}} is not a string`);
    out += text.slice(at, start) + value;
    at = end;
  }
  return out + text.slice(at);
};

interface Widget {
  type: string;
  x: number;
  y: number;
  width: number;
  height: number;
  properties: HclBody & { region?: string; query?: string; metrics?: HclValue[][] };
}

/** Metric names per namespace, with the dimensions this dashboard must use for them. */
const METRICS: Record<string, { metrics: string[]; dimensions: string[]; source: string }> = {
  // REST APIs: no separate throttling metric; a 429 is a client-side error, counted in 4XXError.
  'AWS/ApiGateway': {
    metrics: [
      '4XXError',
      '5XXError',
      'CacheHitCount',
      'CacheMissCount',
      'Count',
      'IntegrationLatency',
      'Latency',
    ],
    dimensions: ['ApiName', 'Stage'],
    source:
      'https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-metrics-and-dimensions.html',
  },
  'AWS/Lambda': {
    metrics: [
      'Invocations',
      'Errors',
      'DeadLetterErrors',
      'DestinationDeliveryFailures',
      'Throttles',
      'Duration',
      'PostRuntimeExtensionsDuration',
      'IteratorAge',
      'ConcurrentExecutions',
      'UnreservedConcurrentExecutions',
    ],
    dimensions: ['FunctionName'],
    source: 'https://docs.aws.amazon.com/lambda/latest/dg/monitoring-metrics-types.html',
  },
};

interface MetricRow {
  namespace: string;
  metric: string;
  dimensions: Record<string, string>;
}

const parseRow = (row: HclValue[]): MetricRow => {
  const [namespace, metric, ...rest] = row;
  const pairs = rest.filter((item) => typeof item === 'string') as string[];
  const options = rest.filter((item) => typeof item !== 'string');
  expect(options.length).toBeLessThanOrEqual(1);
  for (const option of options) expect(isBody(option)).toBe(true);
  expect(pairs.length % 2).toBe(0);
  const dimensions: Record<string, string> = {};
  for (let i = 0; i < pairs.length; i += 2) dimensions[String(pairs[i])] = String(pairs[i + 1]);
  return { namespace: String(namespace), metric: String(metric), dimensions };
};

describe('operations dashboard', () => {
  const template = () => readFileSync(TEMPLATE, 'utf8');

  it('renders its body from a template in templates/ with local.dashboard', () => {
    expect(existsSync(TEMPLATE)).toBe(true);
    expect(relative(REPO_ROOT, TEMPLATE)).toBe(join('templates', 'dashboard.json.tftpl'));
    const dashboard = mod.resources['aws_cloudwatch_dashboard.tenants']?.body;
    expect(dashboard?.dashboard_name).toBe('${var.prefix}-tenants');
    expect(dashboard?.dashboard_body).toBe(
      '${templatefile("${path.module}/templates/dashboard.json.tftpl", local.dashboard)}',
    );
  });

  it('uses nothing but ${...} interpolations, of exactly the variables it is given', async () => {
    const text = template();
    expect(text).not.toContain('%{');
    expect(text).not.toContain('$${');
    const names = new Set(
      interpolations(text).flatMap(({ expression }) =>
        referencesIn(`\${${expression}}`).map((ref) => ref.root),
      ),
    );
    const given = Object.keys((await evaluator().evaluate('${local.dashboard}')) as HclBody);
    // `name` is the for expression's own variable.
    expect([...names].filter((name) => name !== 'name').sort()).toEqual(given.sort());
  });

  it.each(IDENTITIES)(
    'passes the Region, the API and stage, every function and every query (%s)',
    async (_label, vars) => {
      const ev = evaluator({ ...vars, aws_region: 'eu-west-1' });
      const dashboard = (await ev.evaluate('${local.dashboard}')) as HclBody;
      const deployed = await ev.keysOf('aws_lambda_function.this');
      const groups = (await ev.evaluate('${local.log_group_names}')) as Record<string, string>;
      const queries = await logQueries(ev);
      expect(dashboard.region).toBe('eu-west-1');
      expect(dashboard.api_name).toBe('${aws_api_gateway_rest_api.this.name}');
      expect(dashboard.stage).toBe('${aws_api_gateway_stage.this.stage_name}');
      expect(dashboard.function_names).toEqual(
        deployed.map((key) => `\${aws_lambda_function.this["${key}"].function_name}`),
      );
      const widgets = dashboard.log_widgets as Record<string, { title: string; query: string }>;
      expect(Object.keys(widgets).sort()).toEqual(Object.keys(queries).sort());
      for (const [name, query] of Object.entries(queries)) {
        const sources = query.functions.map((key) => `SOURCE '${groups[key]}'`).join(' | ');
        expect(widgets[name]).toEqual({ title: query.title, query: `${sources} | ${query.query}` });
      }
    },
  );

  describe.each(IDENTITIES)('rendered (%s)', (_label, vars) => {
    let widgets: Widget[];
    let dashboard: HclBody;
    beforeAll(async () => {
      dashboard = (await evaluator(vars).evaluate('${local.dashboard}')) as HclBody;
      const body = JSON.parse(await renderTemplate(template(), dashboard));
      expect(Object.keys(body)).toEqual(['widgets']);
      widgets = body.widgets;
    });

    it('is JSON with log and metric widgets only, all in the stack’s Region', () => {
      expect(widgets.map((widget) => widget.type)).toEqual([
        ...Array(4).fill('log'),
        ...Array(7).fill('metric'),
      ]);
      for (const widget of widgets) {
        expect(widget.properties.region).toBe('us-east-1');
        expect(String(widget.properties.title ?? '').length).toBeGreaterThan(5);
      }
    });

    it('lays the widgets out on the 24-column grid without overlaps', () => {
      const cells = new Set<string>();
      for (const { x, y, width, height } of widgets) {
        expect(x + width).toBeLessThanOrEqual(24);
        for (let col = x; col < x + width; col++) {
          for (let row = y; row < y + height; row++) {
            expect(cells.has(`${col},${row}`)).toBe(false);
            cells.add(`${col},${row}`);
          }
        }
      }
    });

    it('shows each saved query once, on its log groups', () => {
      const queries = dashboard.log_widgets as Record<string, { query: string }>;
      const shown = widgets
        .filter((widget) => widget.type === 'log')
        .map((widget) => widget.properties.query);
      expect(shown.sort()).toEqual(
        Object.values(queries)
          .map(({ query }) => query)
          .sort(),
      );
      for (const query of shown) expect(query).toMatch(/^SOURCE '\/aws\/lambda\/acme-[a-z]+' \| /);
    });

    it('graphs only metrics that exist, with the dimensions they are published with', () => {
      const rows = widgets
        .filter((widget) => widget.type === 'metric')
        .flatMap((widget) => widget.properties.metrics ?? [])
        .map(parseRow);
      expect(rows.length).toBeGreaterThan(0);
      for (const { namespace, metric, dimensions } of rows) {
        const known = METRICS[namespace];
        expect(known, namespace).toBeDefined();
        expect(known?.metrics, `${namespace} ${metric}`).toContain(metric);
        expect(Object.keys(dimensions).sort(), metric).toEqual(
          [...(known?.dimensions ?? [])].sort(),
        );
      }
      const api = rows.filter((row) => row.namespace === 'AWS/ApiGateway');
      expect(new Set(api.map((row) => row.metric))).toEqual(
        new Set(['4XXError', '5XXError', 'Count', 'Latency', 'IntegrationLatency']),
      );
      for (const row of api) {
        expect(row.dimensions).toEqual({
          ApiName: '${aws_api_gateway_rest_api.this.name}',
          Stage: '${aws_api_gateway_stage.this.stage_name}',
        });
      }
      const names = dashboard.function_names as string[];
      for (const metric of ['Errors', 'Throttles', 'ConcurrentExecutions', 'Duration']) {
        const graphed = rows
          .filter((row) => row.namespace === 'AWS/Lambda' && row.metric === metric)
          .map((row) => row.dimensions.FunctionName);
        expect(graphed, metric).toEqual(names);
      }
    });
  });

  it('renders sample values as plain JSON strings', async () => {
    const dashboard = (await evaluator().evaluate('${local.dashboard}')) as HclBody;
    const sample = {
      ...dashboard,
      api_name: 'acme-tenant-api',
      stage: 'dev',
      function_names: ['acme-authorizer', 'acme-isolated', 'acme-standard'],
    };
    const body = JSON.parse(await renderTemplate(template(), sample));
    const rows = (body.widgets as Widget[]).flatMap((widget) => widget.properties.metrics ?? []);
    expect(rows).toContainEqual([
      'AWS/ApiGateway',
      '4XXError',
      'ApiName',
      'acme-tenant-api',
      'Stage',
      'dev',
      { stat: 'Sum', label: '4XX' },
    ]);
    expect(rows).toContainEqual([
      'AWS/Lambda',
      'Duration',
      'FunctionName',
      'acme-isolated',
      { label: 'acme-isolated' },
    ]);
  });

  it('prints its console URL as an output', async () => {
    const ev = evaluator({ aws_region: 'eu-west-1' });
    expect(await ev.evaluate(mod.outputs.operations_dashboard_url?.body.value)).toBe(
      'https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#dashboards/dashboard/${aws_cloudwatch_dashboard.tenants.dashboard_name}',
    );
    const dashboard = mod.resources['aws_cloudwatch_dashboard.tenants']?.body;
    expect(await ev.evaluate(dashboard?.dashboard_name)).toBe('acme-tenants');
    expect(String(mod.outputs.operations_dashboard_url?.body.description)).toContain('dashboard');
  });

  it('is destroyed with the stack: nothing protects the dashboard or the queries', () => {
    for (const address of [
      'aws_cloudwatch_dashboard.tenants',
      'aws_cloudwatch_query_definition.tenant',
    ]) {
      expect(mod.resources[address]?.body.lifecycle, address).toBeUndefined();
    }
  });
});
