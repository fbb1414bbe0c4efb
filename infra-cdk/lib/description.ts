import * as fs from 'node:fs';

/**
 * What the stack needs to know about the blog, as the Rust code describes it.
 *
 * The Rust workspace writes an OpenAPI 3.1 document, `openapi.json`, at the repository root. Its
 * root object carries the extension `x-blog-deployment`, whose shape the interfaces below spell
 * out. The stack reads every name, number and header from there instead of restating it, so the
 * Rust code stays the one source of truth.
 */
export interface BlogDeployment {
  /** The API Gateway stage, the first segment of every URL path (`Prod`). */
  readonly stage: string;
  readonly table: TableDescription;
  readonly functions: FunctionsDescription;
  /**
   * Chapter 10's one function for every route, behind its own REST API's `{proxy+}` resource. It
   * runs like the four functions (`functions`' runtime, memory, timeout and environment).
   */
  readonly oneFunction: OneFunctionDescription;
  /**
   * Chapter 10's second shape: the container's server as a function, run by the Lambda Web
   * Adapter from a layer, behind its own REST API's `{proxy+}` resource, with the four functions'
   * runtime, memory and timeout.
   */
  readonly webAdapter: WebAdapterDescription;
  /**
   * The four functions behind an HTTP API too: its routes (each function's own, and an `ANY`
   * route per path to the function that answers preflights and 405s there).
   */
  readonly httpApi: HttpApiDescription;
  /** Chapter 10's one function behind its own function URL. */
  readonly functionUrl: FunctionUrlDescription;
  /**
   * Chapter 11's export: a fifth function, on its own resource of the four functions' REST API
   * with a streaming integration, and behind a streaming function URL of its own.
   */
  readonly export: ExportDescription;
  /** One entry per API path, with what its `OPTIONS` and 405 answers say. */
  readonly resources: ResourceDescription[];
  readonly headers: HeadersDescription;
  /**
   * The contract's 415 body (`unsupported_media_type`), which API Gateway answers itself when a
   * body that is not JSON reaches a mock integration (a preflight or a 405).
   */
  readonly unsupportedMediaTypeBody: string;
  readonly container: ContainerDescription;
  readonly package: PackageDescription;
  /** Chapter 12: the functions' logging, the alarms, and the saved Logs Insights queries. */
  readonly operating: OperatingDescription;
}

/** Which part of the deployment an alarm or a query watches. */
export type Watches = 'functions' | 'containers' | 'table';

/** The signals the alarms read; the stack turns each into its resources' CloudWatch metrics. */
export const SIGNALS = [
  'gatewayErrorRate',
  'gatewayLatency',
  'functionErrors',
  'functionThrottles',
  'initDuration',
  'loadBalancerErrorRate',
  'targetResponseTime',
  'healthyTasks',
  'taskCpu',
  'taskMemory',
  'tableThrottles',
] as const;
export type Signal = (typeof SIGNALS)[number];

export interface AlarmDescription {
  readonly id: string;
  readonly watches: Watches;
  readonly signal: Signal;
  /** `Average`, `Sum`, `Minimum`, `Maximum`, or a percentile such as `p99`. */
  readonly statistic: string;
  /** In the signal's unit: a share from 0 to 1, milliseconds, seconds, a count or percent. */
  readonly threshold: number;
  readonly comparison: 'GreaterThanThreshold' | 'LessThanThreshold';
  readonly periodSeconds: number;
  readonly evaluationPeriods: number;
  readonly datapointsToAlarm: number;
  /** Whether a period without data (no traffic) counts as fine. */
  readonly missingDataIsFine: boolean;
  /** What it means when it fires and what to do first: the alarm's description. */
  readonly means: string;
}

export interface QueryDescription {
  /** Its name in the console (`serverless-blog/errors by code`). */
  readonly name: string;
  readonly logGroups: Watches[];
  readonly query: string;
}

export interface OperatingDescription {
  readonly functionLogging: {
    readonly format: 'JSON' | 'Text';
    readonly applicationLevel: string;
    readonly systemLevel: string;
  };
  /** A metric filter on each function's log group that publishes the cold starts' init. */
  readonly initDurationMetric: {
    readonly namespace: string;
    readonly metricName: string;
    readonly filterPattern: string;
    readonly metricValue: string;
    readonly unit: 'Milliseconds';
  };
  readonly alarms: AlarmDescription[];
  readonly queries: QueryDescription[];
  /** The alias every front door invokes a function through, and whether replaced versions stay. */
  readonly functionAlias: {
    readonly name: string;
    readonly keepReplacedVersions: boolean;
  };
  /** X-Ray: API Gateway's active tracing on the REST stages, and Lambda's mode for every function. */
  readonly tracing: {
    readonly restStages: boolean;
    readonly functions: 'Active' | 'PassThrough';
    /** The blog's own spans, sent by the four functions and the server to X-Ray's OTLP endpoint. */
    readonly exportSpans: boolean;
    /** The share of the server's requests whose spans it sends (the functions follow Lambda's sampling). */
    readonly containerRatio: number;
    /** X-Ray's OTLP endpoint for traces, `{region}` standing for the stack's region. */
    readonly endpoint: string;
    /** The variables the binaries read the endpoint and the ratio from. */
    readonly endpointVariable: string;
    readonly ratioVariable: string;
  };
}

export type AttributeType = 'S' | 'N' | 'B';

export interface KeyAttribute {
  readonly name: string;
  readonly type: AttributeType;
}

export interface IndexDescription {
  readonly name: string;
  readonly partitionKey: KeyAttribute;
  readonly sortKey?: KeyAttribute;
  readonly projection: 'ALL';
}

export interface TableDescription {
  /** The name the Rust code uses when `TABLE_NAME` is unset; the stack lets CloudFormation name the table. */
  readonly defaultName: string;
  readonly partitionKey: KeyAttribute;
  readonly sortKey?: KeyAttribute;
  readonly indexes: IndexDescription[];
}

/** One DynamoDB action, on the table itself or on one of its indexes. */
export interface DynamoDbPermission {
  readonly action: string;
  readonly on: 'table' | 'index';
  /** The index name, when `on` is `index`. */
  readonly index?: string;
}

export interface FunctionDescription {
  /** The binary's name, which is also the function's construct id (`get-posts`). */
  readonly name: string;
  readonly method: string;
  readonly resource: string;
  readonly dynamodb: DynamoDbPermission[];
}

export interface OneFunctionDescription {
  /** The binary's name, also the construct id (`all-routes`). */
  readonly name: string;
  /** The API Gateway resource that sends every path to it (`/{proxy+}`), with the method ANY. */
  readonly resource: string;
  /** Every call the router can make: the union of the four functions' grants. */
  readonly dynamodb: DynamoDbPermission[];
}

export interface WebAdapterDescription extends OneFunctionDescription {
  /** The layer's name (`lambda-adapter`), whose zip holds `extensions/<name>`. */
  readonly layer: string;
  /** The function's own environment: the server's port and store, the adapter's settings. */
  readonly environment: Record<string, string>;
}

export interface HttpApiDescription {
  /** The event the functions get from it (`2.0`). */
  readonly payloadFormatVersion: '2.0';
  readonly routes: HttpApiRouteDescription[];
}

export interface HttpApiRouteDescription {
  /** `GET /blog`, or `ANY /blog/{id}`. */
  readonly routeKey: string;
  /** The name of one of `functions.each`. */
  readonly function: string;
}

export interface FunctionUrlSettings {
  /** `NONE`: public, like the APIs; the function's resource policy allows anyone to invoke it. */
  readonly authType: 'NONE';
  /** `BUFFERED`: the answer as one document, up to 6 MB; `RESPONSE_STREAM`: streamed, up to 200 MB. */
  readonly invokeMode: 'BUFFERED' | 'RESPONSE_STREAM';
}

export interface FunctionUrlDescription extends FunctionUrlSettings {
  /** The function it belongs to: `oneFunction.name`. */
  readonly function: string;
  readonly invokeMode: 'BUFFERED';
}

export interface ExportDescription {
  /** The binary's name, also the construct id (`export-posts`). */
  readonly name: string;
  /** `ANY`: the function answers the preflight and a 405 itself. */
  readonly method: 'ANY';
  /** Its own resource (`/export`), outside the blog's resources (no mocks there). */
  readonly resource: string;
  /** The REST API integration's `responseTransferMode`. */
  readonly transferMode: 'STREAM';
  /** What it reads: the feed, a page at a time. */
  readonly dynamodb: DynamoDbPermission[];
  readonly functionUrl: FunctionUrlSettings & { readonly invokeMode: 'RESPONSE_STREAM' };
}

export interface FunctionsDescription {
  readonly runtime: string;
  readonly architecture: string;
  readonly handler: string;
  readonly memoryMiB: number;
  readonly timeoutSeconds: number;
  readonly environment: Record<string, string>;
  /** The environment variable that carries the table's name (`TABLE_NAME`). */
  readonly tableNameVariable: string;
  readonly each: FunctionDescription[];
}

export interface ResourceDescription {
  readonly path: string;
  /** The `Allow` header of a 405 answer (`GET, POST, OPTIONS`). */
  readonly allow: string;
  /** The 405 body, an API Gateway mapping template that may use `$context.httpMethod`. */
  readonly methodNotAllowedBody: string;
}

/** The header whose value is the one origin browsers may call the blog from (`*`: any). */
export const ALLOW_ORIGIN_HEADER = 'access-control-allow-origin';

export interface HeadersDescription {
  /**
   * Headers that every answer carries, names in lower case: CORS and `x-content-type-options`.
   * Its `access-control-allow-origin` is the one origin allowed (`*` or `https://host`): API
   * Gateway answers `OPTIONS`, 405 and its own errors with that one static value.
   */
  readonly everyResponse: Record<string, string>;
  /** Headers of an answer with a JSON body. */
  readonly json: Record<string, string>;
  /** Headers a CORS preflight (`OPTIONS`) answer adds. */
  readonly preflight: Record<string, string>;
  /**
   * The environment variable from which the functions and the server read the allowed origin
   * (`CORS_ALLOW_ORIGIN`); unset, they answer with `everyResponse`'s value.
   */
  readonly corsOriginVariable: string;
}

export interface ContainerDescription {
  readonly port: number;
  /** The environment variable the server reads its port from (`PORT`). */
  readonly portVariable: string;
  readonly healthCheckPath: string;
  /** Fargate CPU units (256 = a quarter of a vCPU). */
  readonly cpu: number;
  readonly memoryMiB: number;
  readonly architecture: string;
  readonly environment: Record<string, string>;
  readonly tableNameVariable: string;
  /** How long the server drains open requests after SIGTERM. */
  readonly shutdownGraceSeconds: number;
  /** How long ECS waits after SIGTERM before SIGKILL. */
  readonly stopTimeoutSeconds: number;
  /** How long the load balancer keeps sending in-flight requests to a target it is removing. */
  readonly deregistrationDelaySeconds: number;
  /** How long the server keeps an idle keep-alive connection open. */
  readonly serverIdleTimeoutSeconds: number;
  /**
   * How long the load balancer keeps an idle connection open, to a client or to a task. Shorter
   * than the server's: otherwise the load balancer may send a request on a connection the server
   * has just closed, and answer 502.
   */
  readonly loadBalancerIdleTimeoutSeconds: number;
  readonly dynamodb: DynamoDbPermission[];
}

export interface PackageDescription {
  /**
   * The folder `command` fills (`target/package`), relative to the workspace root: the folder
   * that holds the description.
   */
  readonly dir: string;
  /** Path of each function's zip, relative to `dir`, with `{name}` for the function's name. */
  readonly functionZip: string;
  /** Path of each layer's zip, relative to `dir`, with `{name}` for the layer's name. */
  readonly layerZip: string;
  /** Path of the container image's build context, relative to `dir`. */
  readonly imageContext: string;
  /** The command that builds both (`cargo xtask package`). */
  readonly command: string;
}

/** The extension of the OpenAPI document's root object that holds the description. */
export const DEPLOYMENT_EXTENSION = 'x-blog-deployment';

/** A description that is missing, unreadable or not of the shape above. */
export class DescriptionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DescriptionError';
  }
}

/**
 * Reads `file` (an OpenAPI document) and returns its `x-blog-deployment` extension, checked
 * field by field. Every error names the file and the field.
 */
export function loadDescription(file: string): BlogDeployment {
  if (!fs.existsSync(file)) {
    throw new DescriptionError(
      `The stack description ${file} does not exist. The Rust workspace generates it ` +
        '(openapi.json at the repository root); generate it first, or point the context value ' +
        '`description` at another copy (cdk synth -c description=<file>).',
    );
  }
  let document: unknown;
  try {
    document = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    throw new DescriptionError(`The stack description ${file} is not JSON: ${(error as Error).message}`);
  }
  const root = new Fields(file, document, '');
  return checkReferences(file, readDeployment(root.object(DEPLOYMENT_EXTENSION)));
}

function readDeployment(d: Fields): BlogDeployment {
  const table = d.object('table');
  const functions = d.object('functions');
  const oneFunction = d.object('oneFunction');
  const webAdapter = d.object('webAdapter');
  const httpApi = d.object('httpApi');
  const functionUrl = d.object('functionUrl');
  const exported = d.object('export');
  const exportUrl = exported.object('functionUrl');
  const headers = d.object('headers');
  const container = d.object('container');
  const pkg = d.object('package');
  const operating = d.object('operating');
  const logging = operating.object('functionLogging');
  const initMetric = operating.object('initDurationMetric');
  const alias = operating.object('functionAlias');
  const tracing = operating.object('tracing');
  const watches = ['functions', 'containers', 'table'] as const;
  const levels = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL'] as const;
  return {
    stage: d.string('stage'),
    table: {
      defaultName: table.string('defaultName'),
      partitionKey: readKey(table.object('partitionKey')),
      sortKey: table.has('sortKey') ? readKey(table.object('sortKey')) : undefined,
      indexes: table.array('indexes').map((index) => ({
        name: index.string('name'),
        partitionKey: readKey(index.object('partitionKey')),
        sortKey: index.has('sortKey') ? readKey(index.object('sortKey')) : undefined,
        projection: index.oneOf('projection', ['ALL'] as const),
      })),
    },
    functions: {
      runtime: functions.string('runtime'),
      architecture: functions.string('architecture'),
      handler: functions.string('handler'),
      memoryMiB: functions.number('memoryMiB'),
      timeoutSeconds: functions.number('timeoutSeconds'),
      environment: functions.stringMap('environment'),
      tableNameVariable: functions.string('tableNameVariable'),
      each: functions.array('each').map((f) => ({
        name: f.string('name'),
        method: f.string('method'),
        resource: f.string('resource'),
        dynamodb: f.array('dynamodb').map(readPermission),
      })),
    },
    oneFunction: {
      name: oneFunction.string('name'),
      resource: oneFunction.matching('resource', /^\/\{[A-Za-z]+\+\}$/, 'a greedy path variable such as /{proxy+}'),
      dynamodb: oneFunction.array('dynamodb').map(readPermission),
    },
    webAdapter: {
      name: webAdapter.string('name'),
      resource: webAdapter.matching('resource', /^\/\{[A-Za-z]+\+\}$/, 'a greedy path variable such as /{proxy+}'),
      layer: webAdapter.string('layer'),
      environment: webAdapter.stringMap('environment'),
      dynamodb: webAdapter.array('dynamodb').map(readPermission),
    },
    httpApi: {
      payloadFormatVersion: httpApi.oneOf('payloadFormatVersion', ['2.0'] as const),
      routes: httpApi.array('routes').map((r) => ({
        routeKey: r.matching('routeKey', /^(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS|ANY) \/\S*$/, 'a method and a path such as GET /blog'),
        function: r.string('function'),
      })),
    },
    functionUrl: {
      function: functionUrl.string('function'),
      authType: functionUrl.oneOf('authType', ['NONE'] as const),
      invokeMode: functionUrl.oneOf('invokeMode', ['BUFFERED'] as const),
    },
    export: {
      name: exported.string('name'),
      method: exported.oneOf('method', ['ANY'] as const),
      resource: exported.matching('resource', /^\/[A-Za-z0-9_-]+$/, 'one fixed path segment such as /export'),
      transferMode: exported.oneOf('transferMode', ['STREAM'] as const),
      dynamodb: exported.array('dynamodb').map(readPermission),
      functionUrl: {
        authType: exportUrl.oneOf('authType', ['NONE'] as const),
        invokeMode: exportUrl.oneOf('invokeMode', ['RESPONSE_STREAM'] as const),
      },
    },
    resources: d.array('resources').map((r) => ({
      path: r.string('path'),
      allow: r.string('allow'),
      methodNotAllowedBody: r.string('methodNotAllowedBody'),
    })),
    headers: {
      everyResponse: headers.stringMap('everyResponse'),
      json: headers.stringMap('json'),
      preflight: headers.stringMap('preflight'),
      corsOriginVariable: headers.string('corsOriginVariable'),
    },
    unsupportedMediaTypeBody: d.string('unsupportedMediaTypeBody'),
    container: {
      port: container.number('port'),
      portVariable: container.string('portVariable'),
      healthCheckPath: container.string('healthCheckPath'),
      cpu: container.number('cpu'),
      memoryMiB: container.number('memoryMiB'),
      architecture: container.string('architecture'),
      environment: container.stringMap('environment'),
      tableNameVariable: container.string('tableNameVariable'),
      shutdownGraceSeconds: container.number('shutdownGraceSeconds'),
      stopTimeoutSeconds: container.number('stopTimeoutSeconds'),
      deregistrationDelaySeconds: container.number('deregistrationDelaySeconds'),
      serverIdleTimeoutSeconds: container.number('serverIdleTimeoutSeconds'),
      loadBalancerIdleTimeoutSeconds: container.number('loadBalancerIdleTimeoutSeconds'),
      dynamodb: container.array('dynamodb').map(readPermission),
    },
    package: {
      dir: pkg.string('dir'),
      functionZip: pkg.string('functionZip'),
      layerZip: pkg.string('layerZip'),
      imageContext: pkg.string('imageContext'),
      command: pkg.string('command'),
    },
    operating: {
      functionLogging: {
        format: logging.oneOf('format', ['JSON', 'Text'] as const),
        applicationLevel: logging.oneOf('applicationLevel', levels),
        systemLevel: logging.oneOf('systemLevel', ['DEBUG', 'INFO', 'WARN'] as const),
      },
      initDurationMetric: {
        namespace: initMetric.string('namespace'),
        metricName: initMetric.string('metricName'),
        filterPattern: initMetric.string('filterPattern'),
        metricValue: initMetric.matching('metricValue', /^\$\.[A-Za-z.]+$/, 'a JSON path such as $.record.metrics.initDurationMs'),
        unit: initMetric.oneOf('unit', ['Milliseconds'] as const),
      },
      alarms: operating.array('alarms').map((a) => ({
        id: a.matching('id', /^[A-Za-z][A-Za-z0-9]*$/, 'a construct id such as FunctionsErrorRate'),
        watches: a.oneOf('watches', watches),
        signal: a.oneOf('signal', SIGNALS),
        statistic: a.matching('statistic', /^(Average|Sum|Minimum|Maximum|p\d{1,2}(\.\d+)?)$/, 'Average, Sum, Minimum, Maximum or a percentile such as p99'),
        threshold: a.real('threshold'),
        comparison: a.oneOf('comparison', ['GreaterThanThreshold', 'LessThanThreshold'] as const),
        periodSeconds: a.number('periodSeconds'),
        evaluationPeriods: a.number('evaluationPeriods'),
        datapointsToAlarm: a.number('datapointsToAlarm'),
        missingDataIsFine: a.boolean('missingDataIsFine'),
        means: a.string('means'),
      })),
      queries: operating.array('queries').map((q) => ({
        name: q.string('name'),
        logGroups: q.oneOfList('logGroups', ['functions', 'containers'] as const),
        query: q.string('query'),
      })),
      functionAlias: {
        name: alias.matching('name', /^[A-Za-z][A-Za-z0-9_-]{0,127}$/, 'an alias name such as live (not a version number)'),
        keepReplacedVersions: alias.boolean('keepReplacedVersions'),
      },
      tracing: {
        restStages: tracing.boolean('restStages'),
        functions: tracing.oneOf('functions', ['Active', 'PassThrough'] as const),
        exportSpans: tracing.boolean('exportSpans'),
        containerRatio: tracing.fraction('containerRatio'),
        endpoint: tracing.matching('endpoint', /^https:\/\/[a-z0-9.-]*\{region\}[a-z0-9.-]*\/v1\/traces$/, 'an https URL with {region} in its host, ending /v1/traces'),
        endpointVariable: tracing.matching('endpointVariable', /^[A-Z_][A-Z0-9_]*$/, 'a variable name'),
        ratioVariable: tracing.matching('ratioVariable', /^[A-Z_][A-Z0-9_]*$/, 'a variable name'),
      },
    },
  };
}

function readKey(key: Fields): KeyAttribute {
  return { name: key.string('name'), type: key.oneOf('type', ['S', 'N', 'B'] as const) };
}

function readPermission(p: Fields): DynamoDbPermission {
  const on = p.oneOf('on', ['table', 'index'] as const);
  return {
    action: p.matching('action', /^dynamodb:[A-Za-z]+$/, 'one DynamoDB action such as dynamodb:GetItem (no wildcard)'),
    on,
    index: on === 'index' ? p.string('index') : undefined,
  };
}

/** Checks that the parts of the description that name each other agree. */
function checkReferences(file: string, d: BlogDeployment): BlogDeployment {
  const fail = (message: string): never => {
    throw new DescriptionError(`${file}: ${DEPLOYMENT_EXTENSION}.${message}`);
  };
  const indexNames = new Set(d.table.indexes.map((i) => i.name));
  const tracing = d.operating.tracing;
  if (tracing.exportSpans && tracing.functions !== 'Active') {
    fail(
      'operating.tracing.exportSpans needs operating.tracing.functions "Active": the functions\' spans join ' +
        "the invocation's segment, and their role has X-Ray's write action from active tracing",
    );
  }
  const checkPermissions = (where: string, permissions: DynamoDbPermission[]) =>
    permissions.forEach((p, i) => {
      if (p.on === 'index' && !indexNames.has(p.index!)) {
        fail(`${where}[${i}].index names "${p.index}", which is not one of table.indexes`);
      }
    });

  const names = new Set<string>();
  d.functions.each.forEach((f, i) => {
    if (names.has(f.name)) fail(`functions.each[${i}].name "${f.name}" appears twice`);
    names.add(f.name);
    if (!d.resources.some((r) => r.path === f.resource)) {
      fail(`functions.each[${i}].resource "${f.resource}" is not one of resources[].path`);
    }
    checkPermissions(`functions.each[${i}].dynamodb`, f.dynamodb);
  });
  checkPermissions('container.dynamodb', d.container.dynamodb);
  // Chapter 10's two functions each run the router, which makes every call any of the four makes.
  const key = (p: DynamoDbPermission) => `${p.action} on ${p.on === 'index' ? `index ${p.index}` : 'table'}`;
  for (const [where, shape] of [
    ['oneFunction', d.oneFunction],
    ['webAdapter', d.webAdapter],
  ] as const) {
    if (names.has(shape.name)) fail(`${where}.name "${shape.name}" is also one of functions.each`);
    checkPermissions(`${where}.dynamodb`, shape.dynamodb);
    const granted = new Set(shape.dynamodb.map(key));
    for (const missing of d.functions.each.flatMap((f) => f.dynamodb.map(key)).filter((k) => !granted.has(k))) {
      fail(`${where}.dynamodb lacks ${missing}, which one of functions.each makes and the router makes too`);
    }
  }
  if (d.webAdapter.name === d.oneFunction.name) fail(`webAdapter.name "${d.webAdapter.name}" is also oneFunction.name`);
  // The HTTP API: every route invokes one of the four functions, and each function has its own.
  const routeKeys = new Set<string>();
  d.httpApi.routes.forEach((r, i) => {
    if (routeKeys.has(r.routeKey)) fail(`httpApi.routes[${i}].routeKey "${r.routeKey}" appears twice`);
    routeKeys.add(r.routeKey);
    if (!names.has(r.function)) fail(`httpApi.routes[${i}].function "${r.function}" is not one of functions.each`);
  });
  for (const f of d.functions.each) {
    const own = `${f.method} ${f.resource}`;
    if (!d.httpApi.routes.some((r) => r.routeKey === own && r.function === f.name)) {
      fail(`httpApi.routes has no route ${own} to ${f.name}: the HTTP API would not reach it`);
    }
  }
  // The export: a function of its own, on a resource of its own.
  if (names.has(d.export.name) || [d.oneFunction.name, d.webAdapter.name].includes(d.export.name)) {
    fail(`export.name "${d.export.name}" is already the name of another function`);
  }
  if (d.resources.some((r) => r.path === d.export.resource || r.path.startsWith(`${d.export.resource}/`))) {
    fail(`export.resource "${d.export.resource}" is one of resources[].path: its mocks would answer in the function's place`);
  }
  checkPermissions('export.dynamodb', d.export.dynamodb);
  if (d.functionUrl.function !== d.oneFunction.name) {
    fail(`functionUrl.function "${d.functionUrl.function}" is not oneFunction.name: a function URL belongs to the function that routes in code`);
  }
  // The adapter calls the server on AWS_LWA_PORT; the server listens on the container's port variable.
  const adapterPort = d.webAdapter.environment['AWS_LWA_PORT'];
  const serverPort = d.webAdapter.environment[d.container.portVariable];
  if (adapterPort === undefined || adapterPort !== serverPort) {
    fail(
      `webAdapter.environment sets AWS_LWA_PORT to ${adapterPort ?? 'nothing'} and ${d.container.portVariable} to ` +
        `${serverPort ?? 'nothing'}: the adapter would call a port the server does not listen on`,
    );
  }

  // The `Allow` header of a path must list exactly the methods that path answers.
  d.resources.forEach((r, i) => {
    const answered = [...d.functions.each.filter((f) => f.resource === r.path).map((f) => f.method), 'OPTIONS'];
    const allowed = r.allow.split(',').map((m) => m.trim());
    if (answered.length !== allowed.length || !answered.every((m) => allowed.includes(m))) {
      fail(`resources[${i}].allow is "${r.allow}", but ${r.path} answers ${answered.join(', ')}`);
    }
  });

  for (const [where, variable, environment] of [
    ['functions', d.functions.tableNameVariable, d.functions.environment],
    ['container', d.container.tableNameVariable, d.container.environment],
  ] as const) {
    if (variable in environment) fail(`${where}.environment sets ${variable}, which the stack sets to the table's name`);
  }
  if (d.container.portVariable in d.container.environment) {
    fail(`container.environment sets ${d.container.portVariable}, which the stack sets to container.port`);
  }

  // One connection, two ends: the end that closes an idle connection first must be the load
  // balancer, or it may forward a request on a connection the server has just closed (a 502).
  if (d.container.loadBalancerIdleTimeoutSeconds >= d.container.serverIdleTimeoutSeconds) {
    fail(
      `container.loadBalancerIdleTimeoutSeconds (${d.container.loadBalancerIdleTimeoutSeconds}) must be shorter than ` +
        `container.serverIdleTimeoutSeconds (${d.container.serverIdleTimeoutSeconds}), or the load balancer may ` +
        'reuse a connection the server has just closed and answer 502',
    );
  }

  const origin = d.headers.everyResponse[ALLOW_ORIGIN_HEADER];
  if (origin === undefined) {
    fail(`headers.everyResponse has no ${ALLOW_ORIGIN_HEADER}: it names the one origin browsers may call the blog from`);
  }
  if (!isOneOrigin(origin)) fail(`headers.everyResponse.${ALLOW_ORIGIN_HEADER} is "${origin}": ${ONE_ORIGIN}`);
  for (const [where, environment] of [
    ['functions', d.functions.environment],
    ['container', d.container.environment],
  ] as const) {
    if (d.headers.corsOriginVariable in environment) {
      fail(`${where}.environment sets ${d.headers.corsOriginVariable}, which the stack sets from the allowed origin`);
    }
  }

  checkRelativePath(fail, 'package.dir', d.package.dir);
  checkRelativePath(fail, 'package.functionZip', d.package.functionZip);
  checkRelativePath(fail, 'package.imageContext', d.package.imageContext);
  if (!d.package.functionZip.includes('{name}')) fail('package.functionZip must contain {name}');
  return d;
}

const ONE_ORIGIN =
  'it must be one origin, * or such as https://example.com (API Gateway answers OPTIONS, 405 and its own errors with one static value)';

/** `*`, or one scheme://host[:port] with no path, no list and no space. */
function isOneOrigin(origin: string): boolean {
  return origin === '*' || /^https?:\/\/[^\s/,*]+$/.test(origin);
}

/**
 * The deployment with `origin` as the one origin browsers may call the blog from: in the headers
 * API Gateway answers with by itself, and in the environment of every function and of the server,
 * which read it from `headers.corsOriginVariable`. No origin: the description as it is (`*`).
 */
export function withAllowedOrigin(d: BlogDeployment, origin: string | undefined, what: string): BlogDeployment {
  if (origin === undefined) return d;
  if (!isOneOrigin(origin)) throw new DescriptionError(`${what} is "${origin}": ${ONE_ORIGIN}`);
  const variable = { [d.headers.corsOriginVariable]: origin };
  return {
    ...d,
    headers: { ...d.headers, everyResponse: { ...d.headers.everyResponse, [ALLOW_ORIGIN_HEADER]: origin } },
    functions: { ...d.functions, environment: { ...d.functions.environment, ...variable } },
    container: { ...d.container, environment: { ...d.container.environment, ...variable } },
  };
}

/**
 * A package path is relative and goes down only: `dir` stays inside the workspace, the zips and
 * the image context inside `dir`, so no description points the stack at files elsewhere.
 */
function checkRelativePath(fail: (message: string) => never, where: string, value: string) {
  const segments = value.split(/[\\/]/);
  if (value.startsWith('/') || value.startsWith('\\') || /^[A-Za-z]:/.test(value) || segments.some((s) => s === '..')) {
    fail(`${where} is "${value}": it must be a relative path with no .. segment`);
  }
}

/** A JSON object being read, with the path that leads to it for error messages. */
class Fields {
  constructor(
    private readonly file: string,
    private readonly value: unknown,
    private readonly at: string,
  ) {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      this.fail(this.at || 'the document', `must be an object, found ${describe(value)}`);
    }
  }

  has(key: string): boolean {
    return this.get(key) !== undefined;
  }

  string(key: string): string {
    const value = this.required(key);
    if (typeof value !== 'string' || value === '') this.fail(this.path(key), `must be a non-empty string, found ${describe(value)}`);
    return value as string;
  }

  number(key: string): number {
    const value = this.required(key);
    if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) {
      this.fail(this.path(key), `must be a positive whole number, found ${describe(value)}`);
    }
    return value as number;
  }

  /** Any finite number of zero or more (a threshold: 0.01, 0, 1000). */
  real(key: string): number {
    const value = this.required(key);
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
      this.fail(this.path(key), `must be a number of zero or more, found ${describe(value)}`);
    }
    return value as number;
  }

  /** A share, from 0 to 1 (a sampling ratio). */
  fraction(key: string): number {
    const value = this.real(key);
    if (value > 1) this.fail(this.path(key), `must be a share from 0 to 1, found ${value}`);
    return value;
  }

  boolean(key: string): boolean {
    const value = this.required(key);
    if (typeof value !== 'boolean') this.fail(this.path(key), `must be true or false, found ${describe(value)}`);
    return value as boolean;
  }

  /** A non-empty array, each item one of `options`. */
  oneOfList<T extends string>(key: string, options: readonly T[]): T[] {
    return this.list(key).map((item, i) => {
      if (typeof item !== 'string' || !(options as readonly string[]).includes(item)) {
        this.fail(`${this.path(key)}[${i}]`, `must be one of ${options.join(', ')}, found ${describe(item)}`);
      }
      return item as T;
    });
  }

  oneOf<T extends string>(key: string, options: readonly T[]): T {
    const value = this.string(key);
    if (!(options as readonly string[]).includes(value)) {
      this.fail(this.path(key), `must be one of ${options.join(', ')}, found "${value}"`);
    }
    return value as T;
  }

  matching(key: string, pattern: RegExp, what: string): string {
    const value = this.string(key);
    if (!pattern.test(value)) this.fail(this.path(key), `must be ${what}, found "${value}"`);
    return value;
  }

  object(key: string): Fields {
    return new Fields(this.file, this.required(key), this.path(key));
  }

  array(key: string): Fields[] {
    return this.list(key).map((item, i) => new Fields(this.file, item, `${this.path(key)}[${i}]`));
  }

  stringMap(key: string): Record<string, string> {
    const map = this.object(key);
    const entries = Object.keys(map.value as object).map((name) => [name, map.string(name)] as const);
    return Object.fromEntries(entries);
  }

  private list(key: string): unknown[] {
    const value = this.required(key);
    if (!Array.isArray(value) || value.length === 0) this.fail(this.path(key), `must be a non-empty array, found ${describe(value)}`);
    return value as unknown[];
  }

  private get(key: string): unknown {
    return (this.value as Record<string, unknown>)[key];
  }

  private required(key: string): unknown {
    const value = this.get(key);
    if (value === undefined) this.fail(this.path(key), 'is missing');
    return value;
  }

  private path(key: string): string {
    return this.at ? `${this.at}.${key}` : key;
  }

  private fail(where: string, problem: string): never {
    throw new DescriptionError(`${this.file}: ${where} ${problem}`);
  }
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return value.length === 0 ? 'an empty array' : 'an array';
  if (value === null) return 'null';
  return typeof value === 'string' ? `"${value}"` : `${typeof value} ${JSON.stringify(value)}`;
}
