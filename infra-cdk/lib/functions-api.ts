import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { acknowledgeFinding } from './acknowledge';
import { BlogTable } from './blog-table';
import { BlogDeployment, FunctionDescription, FunctionsDescription } from './description';
import { PackageFolder } from './package-folder';

/**
 * How many requests a second the stage accepts, and how many it accepts at once in a burst,
 * before API Gateway answers 429. An infrastructure choice, not the Rust code's: low enough that
 * a runaway client cannot run up a bill, high enough for the book's measurements.
 */
export const STAGE_THROTTLING = { rateLimit: 50, burstLimit: 100 } as const;

/** The one content type the mock integrations (preflight, 405) map; any other body is a 415. */
const JSON_TYPE = 'application/json';

/**
 * Where API Gateway's CloudWatch role comes from: this stack (`stack`), or the account, which
 * already has one (`account`). See {@link FunctionsApiProps.logsRole}.
 */
export type LogsRoleSource = 'stack' | 'account';

export interface FunctionsApiProps {
  readonly deployment: BlogDeployment;
  readonly table: BlogTable;
  readonly packageFolder: PackageFolder;
  readonly logRetention: logs.RetentionDays;
  /** When set, only this IPv4 range may call the API (a resource policy on `aws:SourceIp`). */
  readonly allowedCidr?: string;
  /**
   * A stage that writes access logs needs API Gateway's CloudWatch role, an account setting of
   * the region (`AWS::ApiGateway::Account`); CloudFormation refuses the stage without it. `stack`
   * creates the role and sets it, before the stage, and keeps both when the stack is deleted
   * (other APIs of the region may log through them); `account` relies on the role the account
   * already has, and leaves that setting alone.
   */
  readonly logsRole: LogsRoleSource;
}

/**
 * The first variant: one Lambda function per endpoint behind an API Gateway REST API.
 *
 * API Gateway routes by method and path, so it also answers what no function handles: the CORS
 * preflight (`OPTIONS`, 204) and any other method on a known path (`ANY`, 405), both as MOCK
 * integrations that never start a function. Its own errors (throttling, unknown paths) carry the
 * same CORS headers, so a browser can read them.
 */
export class FunctionsApi extends Construct {
  readonly api: apigateway.RestApi;
  /** The functions by name (`get-posts`, ...). */
  readonly functions: Record<string, BlogFunction> = {};

  constructor(scope: Construct, id: string, props: FunctionsApiProps) {
    super(scope, id);
    const { deployment, table, allowedCidr } = props;
    // The description's loader checked that `access-control-allow-origin` names one origin: the
    // static value that the MOCK answers and API Gateway's own errors below carry.
    const headers = deployment.headers;

    for (const description of deployment.functions.each) {
      this.functions[description.name] = new BlogFunction(this, description.name, {
        common: deployment.functions,
        description,
        table,
        zip: props.packageFolder.functionZipOf(description.name),
        logRetention: props.logRetention,
      });
    }

    const accessLogs = new logs.LogGroup(this, 'AccessLogs', {
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.api = new apigateway.RestApi(this, 'Api', {
      restApiName: `${Stack.of(this).stackName}-functions`,
      description: 'The serverless blog as Lambda functions',
      // Regional, like the load balancer: both variants answer from the same region, with no
      // CloudFront distribution in front of one of them.
      endpointConfiguration: { types: [apigateway.EndpointType.REGIONAL] },
      // Access logs need the region's API Gateway CloudWatch role: created here unless the account
      // already has one. RETAIN: the setting is the account's, and outlives this stack.
      cloudWatchRole: props.logsRole === 'stack',
      cloudWatchRoleRemovalPolicy: props.logsRole === 'stack' ? RemovalPolicy.RETAIN : undefined,
      deployOptions: {
        stageName: deployment.stage,
        throttlingRateLimit: STAGE_THROTTLING.rateLimit,
        throttlingBurstLimit: STAGE_THROTTLING.burstLimit,
        accessLogDestination: new apigateway.LogGroupLogDestination(accessLogs),
        accessLogFormat: apigateway.AccessLogFormat.jsonWithStandardFields(),
      },
      policy: allowedCidr ? onlyFrom(allowedCidr) : undefined,
    });
    // RestApi adds an `Endpoint` output of its own; the stack names its URLs itself.
    this.api.node.tryRemoveChild('Endpoint');
    if (allowedCidr) {
      // A changed resource policy takes effect only with a new deployment.
      this.api.latestDeployment?.addToLogicalId({ allowedCidr });
    }

    // ANCHOR: mocks
    for (const route of deployment.resources) {
      const resource = this.api.root.resourceForPath(route.path);

      // The CORS preflight: 204, no body, the headers of every answer plus the preflight's.
      const preflight = staticHeaders({ ...headers.everyResponse, ...headers.preflight });
      resource.addMethod(
        'OPTIONS',
        new apigateway.MockIntegration({
          requestTemplates: { [JSON_TYPE]: '{"statusCode": 204}' },
          // A body of any other type is refused with 415 (the gateway response below), instead of
          // reaching the mock, which cannot read it and answers 500.
          passthroughBehavior: apigateway.PassthroughBehavior.NEVER,
          integrationResponses: [{ statusCode: '204', responseParameters: preflight.values }],
        }),
        { methodResponses: [{ statusCode: '204', responseParameters: preflight.declared }] },
      );

      // Every other method: 405 with `Allow`. API Gateway prefers an explicit method to ANY.
      const notAllowed = staticHeaders({ ...headers.everyResponse, ...headers.json, allow: route.allow });
      resource.addMethod(
        'ANY',
        new apigateway.MockIntegration({
          requestTemplates: { [JSON_TYPE]: '{"statusCode": 405}' },
          passthroughBehavior: apigateway.PassthroughBehavior.NEVER,
          integrationResponses: [
            {
              statusCode: '405',
              responseParameters: notAllowed.values,
              responseTemplates: { 'application/json': checkedTemplate(route.methodNotAllowedBody) },
            },
          ],
        }),
        { methodResponses: [{ statusCode: '405', responseParameters: notAllowed.declared }] },
      );
    }

    // ANCHOR_END: mocks
    for (const description of deployment.functions.each) {
      this.api.root.resourceForPath(description.resource).addMethod(
        description.method,
        // Lambda proxy integration: the function gets the whole request and shapes the whole answer.
        // No extra permission for the console's "Test" button: the book runs functions locally.
        new apigateway.LambdaIntegration(this.functions[description.name].function, { allowTestInvoke: false }),
      );
    }

    // ANCHOR: gateway_responses
    // API Gateway's own answers (429 throttled, 403 unknown path, 5xx) carry the CORS headers too.
    const everyResponse = staticHeaders(headers.everyResponse).quoted;
    this.api.addGatewayResponse('Default4xx', { type: apigateway.ResponseType.DEFAULT_4XX, responseHeaders: everyResponse });
    this.api.addGatewayResponse('Default5xx', { type: apigateway.ResponseType.DEFAULT_5XX, responseHeaders: everyResponse });
    // A body that is not JSON, sent to a mock (`PUT /blog` as text/plain): the contract's own 415.
    this.api.addGatewayResponse('UnsupportedMediaType', {
      type: apigateway.ResponseType.UNSUPPORTED_MEDIA_TYPE,
      statusCode: '415',
      responseHeaders: staticHeaders({ ...headers.everyResponse, ...headers.json }).quoted,
      templates: { [JSON_TYPE]: checkedStaticTemplate(deployment.unsupportedMediaTypeBody) },
    });
    // ANCHOR_END: gateway_responses

    this.acknowledgeChecks(allowedCidr);
  }

  /** The stage's URL, ending in `/Prod/`. */
  get url(): string {
    return this.api.url;
  }

  /** The cdk-nag findings this API keeps on purpose, each on the resource it is about. */
  private acknowledgeChecks(allowedCidr: string | undefined) {
    acknowledgeFinding(
      this.api,
      'AwsSolutions-APIG2',
      'Each function validates its own request and answers 400/413/415 with the JSON error of the HTTP ' +
        'contract, byte for byte like the container; API Gateway request validation would answer differently.',
    );
    acknowledgeFinding(
      this.api.deploymentStage,
      'AwsSolutions-APIG3',
      'A tutorial API with stage throttling; AWS WAF costs a monthly fee per web ACL.',
    );
    acknowledgeFinding(
      this.api.deploymentStage,
      'AwsSolutions-APIG6',
      'Execution logs repeat what the access log and each function log already say, at a CloudWatch Logs ' +
        'charge per request; the stage writes access logs, each function its own.',
    );
    const logsRole = this.api.node.tryFindChild('CloudWatchRole');
    if (logsRole) {
      acknowledgeFinding(
        logsRole,
        'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
        "API Gateway's account-level CloudWatch role, with the managed policy AWS's guide sets up for it: it writes " +
          'the logs of every API in the region that logs, so no policy scoped to this stack would fit.',
      );
    }
    const who = allowedCidr ? `only callable from ${allowedCidr}` : 'open to anyone; -c allowedCidr=<range> limits it to one address range';
    const publicApi = `The blog API is public by design, like the original demo (${who}); authentication is outside the tutorial.`;
    for (const method of this.api.methods) {
      acknowledgeFinding(method, 'AwsSolutions-APIG4', publicApi);
      acknowledgeFinding(method, 'AwsSolutions-COG4', publicApi);
    }
  }
}

interface BlogFunctionProps {
  readonly common: FunctionsDescription;
  readonly description: FunctionDescription;
  readonly table: BlogTable;
  readonly zip: string;
  readonly logRetention: logs.RetentionDays;
}

/**
 * One endpoint's Lambda function with its own role and log group. The role allows exactly what
 * this function does: write to its log group, and its DynamoDB actions on the table or index.
 */
export class BlogFunction extends Construct {
  readonly function: lambda.Function;
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, name: string, props: BlogFunctionProps) {
    super(scope, name);
    const { common, description, table } = props;

    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // ANCHOR: function
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `The ${name} function: its log group and its DynamoDB actions`,
    });
    // Instead of the managed AWSLambdaBasicExecutionRole (logs on every log group): this one only.
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [this.logGroup.logGroupArn],
      }),
    );
    for (const permission of description.dynamodb) {
      this.role.addToPrincipalPolicy(
        new iam.PolicyStatement({ actions: [permission.action], resources: [table.arnFor(permission)] }),
      );
    }

    this.function = new lambda.Function(this, 'Function', {
      description: `${description.method} ${description.resource}`,
      runtime: lambdaRuntime(common.runtime),
      architecture: lambdaArchitecture(common.architecture),
      handler: common.handler,
      code: lambda.Code.fromAsset(props.zip),
      memorySize: common.memoryMiB,
      timeout: Duration.seconds(common.timeoutSeconds),
      environment: { ...common.environment, [common.tableNameVariable]: table.table.tableName },
      role: this.role,
      logGroup: this.logGroup,
    });
    // ANCHOR_END: function
  }
}

function lambdaRuntime(name: string): lambda.Runtime {
  // The functions are Rust binaries named `bootstrap`: an OS-only runtime.
  const known = [lambda.Runtime.PROVIDED_AL2023, lambda.Runtime.PROVIDED_AL2];
  const runtime = known.find((r) => r.name === name);
  if (!runtime) throw new Error(`Unknown function runtime "${name}" in the description: expected one of ${known.map((r) => r.name).join(', ')}`);
  return runtime;
}

function lambdaArchitecture(name: string): lambda.Architecture {
  const known = [lambda.Architecture.ARM_64, lambda.Architecture.X86_64];
  const architecture = known.find((a) => a.name === name);
  if (!architecture) throw new Error(`Unknown function architecture "${name}" in the description: expected one of ${known.map((a) => a.name).join(', ')}`);
  return architecture;
}

/**
 * Static header values for API Gateway: each quoted in single quotes (`'*'`), both as the values
 * an integration answers with and as the headers its method response declares.
 */
function staticHeaders(headers: Record<string, string>) {
  const entries = Object.entries(headers).map(([name, value]) => {
    if (value.includes("'")) throw new Error(`The header ${name}: ${value} contains a single quote, which a static API Gateway header value cannot hold`);
    return [name, `'${value}'`] as const;
  });
  return {
    quoted: Object.fromEntries(entries),
    values: Object.fromEntries(entries.map(([name, value]) => [`method.response.header.${name}`, value])),
    declared: Object.fromEntries(entries.map(([name]) => [`method.response.header.${name}`, true])),
  };
}

/**
 * The 405 body is an API Gateway mapping template (Velocity). It may use `$context.httpMethod`;
 * any other `$` or `#` would be Velocity syntax the Rust code did not mean.
 */
function checkedTemplate(body: string): string {
  const rest = body.replaceAll('$context.httpMethod', '');
  if (rest.includes('$') || rest.includes('#')) {
    throw new Error(`The 405 body ${body} holds Velocity syntax other than $context.httpMethod`);
  }
  return body;
}

/**
 * A gateway response body is a mapping template too; this one is a fixed JSON document, so any
 * `$` or `#` would be Velocity syntax the Rust code did not mean.
 */
function checkedStaticTemplate(body: string): string {
  if (body.includes('$') || body.includes('#')) {
    throw new Error(`The 415 body ${body} holds Velocity syntax`);
  }
  return body;
}

/** A resource policy that lets only one IPv4 range call the API. */
function onlyFrom(cidr: string): iam.PolicyDocument {
  return new iam.PolicyDocument({
    statements: [
      new iam.PolicyStatement({
        principals: [new iam.AnyPrincipal()],
        actions: ['execute-api:Invoke'],
        resources: ['execute-api:/*'],
        conditions: { IpAddress: { 'aws:SourceIp': cidr } },
      }),
    ],
  });
}
