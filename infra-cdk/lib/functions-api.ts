import { Aws, Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { acknowledgeFinding } from './acknowledge';
import { acknowledgePublicMethods, blogRestApi, LogsRoleSource, staticHeaders } from './blog-rest-api';
import { BlogTable } from './blog-table';
import { BlogDeployment, DynamoDbPermission, FunctionsDescription, OperatingDescription } from './description';
import { PackageFolder } from './package-folder';

/** The one content type the mock integrations (preflight, 405) map; any other body is a 415. */
const JSON_TYPE = 'application/json';

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
  /**
   * The region's API Gateway CloudWatch role setting, when this stack sets it (`logsRole` is
   * `stack`): any other stage with access logs must be created after it.
   */
  readonly logsAccount?: apigateway.CfnAccount;
  /** The functions by name (`get-posts`, ...). */
  readonly functions: Record<string, BlogFunction> = {};
  /** Chapter 11's export, streamed. */
  readonly exportFunction: BlogFunction;

  constructor(scope: Construct, id: string, props: FunctionsApiProps) {
    super(scope, id);
    const { deployment, table, allowedCidr } = props;
    // The description's loader checked that `access-control-allow-origin` names one origin: the
    // static value that the MOCK answers and API Gateway's own errors below carry.
    const headers = deployment.headers;

    for (const description of deployment.functions.each) {
      this.functions[description.name] = new BlogFunction(this, description.name, {
        common: deployment.functions,
        logging: deployment.operating.functionLogging,
        alias: deployment.operating.functionAlias,
        tracing: deployment.operating.tracing,
        exportsSpans: true,
        route: `${description.method} ${description.resource}`,
        dynamodb: description.dynamodb,
        table,
        zip: props.packageFolder.functionZipOf(description.name),
        logRetention: props.logRetention,
      });
    }

    this.api = blogRestApi(this, 'Api', {
      ...props,
      name: 'functions',
      description: 'The serverless blog as Lambda functions',
      cloudWatchRole: props.logsRole === 'stack',
    });
    this.logsAccount = this.api.node.tryFindChild('Account') as apigateway.CfnAccount | undefined;

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
        new apigateway.LambdaIntegration(this.functions[description.name].live, { allowTestInvoke: false }),
      );
    }

    // ANCHOR: export
    // Chapter 11's export: its own function on its own resource, every method (the function
    // answers the preflight and a 405 itself), with an integration that streams the answer past
    // Lambda's 6 MB. With `STREAM`, the CDK invokes the function's response-streaming endpoint.
    const exported = deployment.export;
    this.exportFunction = new BlogFunction(this, exported.name, {
      common: deployment.functions,
      logging: deployment.operating.functionLogging,
      alias: deployment.operating.functionAlias,
      tracing: deployment.operating.tracing,
      route: `${exported.method} ${exported.resource} (streamed)`,
      dynamodb: exported.dynamodb,
      table,
      zip: props.packageFolder.functionZipOf(exported.name),
      logRetention: props.logRetention,
    });
    this.api.root.addResource(exported.resource.slice(1)).addMethod(
      exported.method,
      new apigateway.LambdaIntegration(this.exportFunction.live, {
        allowTestInvoke: false,
        responseTransferMode: apigateway.ResponseTransferMode[exported.transferMode],
      }),
    );
    // ANCHOR_END: export

    // ANCHOR: unsupported_media_type
    // A body that is not JSON, sent to a mock (`PUT /blog` as text/plain): the contract's own 415.
    this.api.addGatewayResponse('UnsupportedMediaType', {
      type: apigateway.ResponseType.UNSUPPORTED_MEDIA_TYPE,
      statusCode: '415',
      responseHeaders: staticHeaders({ ...headers.everyResponse, ...headers.json }).quoted,
      templates: { [JSON_TYPE]: checkedStaticTemplate(deployment.unsupportedMediaTypeBody) },
    });
    // ANCHOR_END: unsupported_media_type

    acknowledgePublicMethods(this.api, allowedCidr);
  }

  /** The stage's URL, ending in `/Prod/`. */
  get url(): string {
    return this.api.url;
  }
}

export interface BlogFunctionProps {
  readonly common: FunctionsDescription;
  /** What reaches it, as its description says (`GET /blog`). */
  readonly route: string;
  readonly dynamodb: DynamoDbPermission[];
  readonly table: BlogTable;
  readonly zip: string;
  readonly logRetention: logs.RetentionDays;
  /** Layers the function runs with (chapter 10's web adapter: the adapter as an extension). */
  readonly layers?: lambda.ILayerVersion[];
  /** Settings of this function only, added to the common environment. */
  readonly environment?: Record<string, string>;
  /** Lambda's logging configuration: the log format and the levels (chapter 12). */
  readonly logging: OperatingDescription['functionLogging'];
  /** The alias the front doors invoke it through (chapter 12). */
  readonly alias: OperatingDescription['functionAlias'];
  /** X-Ray (chapter 12). */
  readonly tracing: OperatingDescription['tracing'];
  /** Whether its binary sends the blog's own spans (the four functions of chapter 3 do). */
  readonly exportsSpans?: boolean;
}

/**
 * One endpoint's Lambda function with its own role and log group. The role allows exactly what
 * this function does: write to its log group, and its DynamoDB actions on the table or index.
 * Front doors invoke its alias (`live`), which each deploy moves to the version it publishes.
 */
export class BlogFunction extends Construct {
  readonly function: lambda.Function;
  /** The alias every front door invokes: the version that serves. */
  readonly live: lambda.Alias;
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, name: string, props: BlogFunctionProps) {
    super(scope, name);
    const { common, table } = props;

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
    for (const permission of props.dynamodb) {
      this.role.addToPrincipalPolicy(
        new iam.PolicyStatement({ actions: [permission.action], resources: [table.arnFor(permission)] }),
      );
    }

    this.function = new lambda.Function(this, 'Function', {
      description: props.route,
      runtime: lambdaRuntime(common.runtime),
      architecture: lambdaArchitecture(common.architecture),
      handler: common.handler,
      code: lambda.Code.fromAsset(props.zip),
      memorySize: common.memoryMiB,
      timeout: Duration.seconds(common.timeoutSeconds),
      environment: {
        ...common.environment,
        ...props.environment,
        [common.tableNameVariable]: table.table.tableName,
        ...(props.exportsSpans ? spanExportEnvironment(props.tracing) : {}),
      },
      layers: props.layers,
      role: this.role,
      logGroup: this.logGroup,
      // JSON: the platform's records (platform.report, with a cold start's initDurationMs) are
      // JSON objects like the handler's own lines, and Lambda filters both by their level.
      loggingFormat: props.logging.format === 'JSON' ? lambda.LoggingFormat.JSON : lambda.LoggingFormat.TEXT,
      applicationLogLevelV2: lambda.ApplicationLogLevel[props.logging.applicationLevel as keyof typeof lambda.ApplicationLogLevel],
      systemLogLevelV2: lambda.SystemLogLevel[props.logging.systemLevel as keyof typeof lambda.SystemLogLevel],
      // Active: Lambda records the invocation's part of a sampled request's trace in X-Ray (and
      // adds xray:PutTraceSegments and xray:PutTelemetryRecords to the role).
      tracing: props.tracing.functions === 'Active' ? lambda.Tracing.ACTIVE : lambda.Tracing.PASS_THROUGH,
      // A deploy that changes the function publishes a new version (the version's logical id is
      // a hash of the code and configuration); the one it replaces stays, so the alias can go back.
      currentVersionOptions: {
        removalPolicy: props.alias.keepReplacedVersions ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
      },
    });
    // ANCHOR_END: function
    if (props.tracing.functions === 'Active') {
      acknowledgeFinding(
        this.role.node.findChild('DefaultPolicy'),
        'AwsSolutions-IAM5[Resource::*]',
        "Active tracing's xray:PutTraceSegments and xray:PutTelemetryRecords have no resource-level permissions, " +
          'so their resource is *; every other statement names this function\'s log group and the table.',
      );
    }
    // ANCHOR: alias
    this.live = new lambda.Alias(this, 'Live', {
      aliasName: props.alias.name,
      version: this.function.currentVersion,
      description: `The version of ${name} its front doors invoke`,
    });
    // ANCHOR_END: alias
  }
}

// ANCHOR: span_export
/**
 * Where a binary sends the blog's spans: X-Ray's OTLP endpoint in the stack's region, when the
 * description asks for them. The role needs no more than active tracing's xray:PutTraceSegments
 * (AWS's write-only X-Ray policy is what its page on sending spans without a collector names).
 */
export function spanExportEnvironment(tracing: OperatingDescription['tracing']): Record<string, string> {
  if (!tracing.exportSpans) return {};
  return { [tracing.endpointVariable]: tracing.endpoint.replace('{region}', Aws.REGION) };
}
// ANCHOR_END: span_export

export function lambdaRuntime(name: string): lambda.Runtime {
  // The functions are Rust binaries named `bootstrap`: an OS-only runtime.
  const known = [lambda.Runtime.PROVIDED_AL2023, lambda.Runtime.PROVIDED_AL2];
  const runtime = known.find((r) => r.name === name);
  if (!runtime) throw new Error(`Unknown function runtime "${name}" in the description: expected one of ${known.map((r) => r.name).join(', ')}`);
  return runtime;
}

export function lambdaArchitecture(name: string): lambda.Architecture {
  const known = [lambda.Architecture.ARM_64, lambda.Architecture.X86_64];
  const architecture = known.find((a) => a.name === name);
  if (!architecture) throw new Error(`Unknown function architecture "${name}" in the description: expected one of ${known.map((a) => a.name).join(', ')}`);
  return architecture;
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
