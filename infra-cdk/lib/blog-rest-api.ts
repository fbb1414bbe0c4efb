import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { acknowledgeFinding } from './acknowledge';
import { BlogDeployment } from './description';

/**
 * How many requests a second a stage accepts, and how many it accepts at once in a burst,
 * before API Gateway answers 429. An infrastructure choice, not the Rust code's: low enough that
 * a runaway client cannot run up a bill, high enough for the book's measurements.
 */
export const STAGE_THROTTLING = { rateLimit: 50, burstLimit: 100 } as const;

/**
 * Where API Gateway's CloudWatch role comes from: this stack (`stack`), or the account, which
 * already has one (`account`). See {@link FunctionsApiProps.logsRole}.
 */
export type LogsRoleSource = 'stack' | 'account';

export interface BlogRestApiProps {
  readonly deployment: BlogDeployment;
  readonly logRetention: logs.RetentionDays;
  /** When set, only this IPv4 range may call the API (a resource policy on `aws:SourceIp`). */
  readonly allowedCidr?: string;
  /** The API's name after the stack's (`functions` makes `ServerlessBlog-functions`). */
  readonly name: string;
  readonly description: string;
  /** Create API Gateway's CloudWatch role and set it for the region (one API of the stack does). */
  readonly cloudWatchRole: boolean;
  /** The region's CloudWatch role setting another API of this stack makes: this stage waits for it. */
  readonly after?: apigateway.CfnAccount;
}

/**
 * A Regional REST API as the blog's front doors all are: one stage (`Prod`) with the same
 * throttling and JSON access logs, an optional resource policy, and API Gateway's own errors (429
 * throttled, 403 unknown path, 5xx) carrying the CORS headers every answer of the contract carries,
 * so a browser can read them. The caller adds the resources and methods, then calls
 * {@link acknowledgePublicMethods}.
 */
export function blogRestApi(scope: Construct, id: string, props: BlogRestApiProps): apigateway.RestApi {
  const { deployment, allowedCidr } = props;
  const accessLogs = new logs.LogGroup(scope, 'AccessLogs', {
    retention: props.logRetention,
    removalPolicy: RemovalPolicy.DESTROY,
  });
  const api = new apigateway.RestApi(scope, id, {
    restApiName: `${Stack.of(scope).stackName}-${props.name}`,
    description: props.description,
    // Regional, like the load balancer: every variant answers from the same region, with no
    // CloudFront distribution in front of one of them.
    endpointConfiguration: { types: [apigateway.EndpointType.REGIONAL] },
    // Access logs need the region's API Gateway CloudWatch role: created here unless the account
    // already has one or another API of the stack creates it. RETAIN: the setting is the
    // account's, and outlives this stack.
    cloudWatchRole: props.cloudWatchRole,
    cloudWatchRoleRemovalPolicy: props.cloudWatchRole ? RemovalPolicy.RETAIN : undefined,
    deployOptions: {
      stageName: deployment.stage,
      throttlingRateLimit: STAGE_THROTTLING.rateLimit,
      throttlingBurstLimit: STAGE_THROTTLING.burstLimit,
      accessLogDestination: new apigateway.LogGroupLogDestination(accessLogs),
      accessLogFormat: apigateway.AccessLogFormat.jsonWithStandardFields(),
      // API Gateway samples requests by X-Ray's rules and records its part of each (chapter 12).
      tracingEnabled: deployment.operating.tracing.restStages,
    },
    policy: allowedCidr ? onlyFrom(allowedCidr) : undefined,
  });
  if (props.after) {
    // CloudFormation refuses a stage with access logs until the region has the role.
    api.deploymentStage.node.addDependency(props.after);
  }
  // RestApi adds an `Endpoint` output of its own; the stack names its URLs itself.
  api.node.tryRemoveChild('Endpoint');
  if (allowedCidr) {
    // A changed resource policy takes effect only with a new deployment.
    api.latestDeployment?.addToLogicalId({ allowedCidr });
  }

  // ANCHOR: gateway_responses
  // API Gateway's own answers (429 throttled, 403 unknown path, 5xx) carry the CORS headers too.
  const everyResponse = staticHeaders(deployment.headers.everyResponse).quoted;
  api.addGatewayResponse('Default4xx', { type: apigateway.ResponseType.DEFAULT_4XX, responseHeaders: everyResponse });
  api.addGatewayResponse('Default5xx', { type: apigateway.ResponseType.DEFAULT_5XX, responseHeaders: everyResponse });
  // ANCHOR_END: gateway_responses

  acknowledgeApiChecks(api);
  return api;
}

/** The cdk-nag findings every one of the blog's APIs keeps on purpose, each on its resource. */
function acknowledgeApiChecks(api: apigateway.RestApi) {
  acknowledgeFinding(
    api,
    'AwsSolutions-APIG2',
    'The Rust code validates each request and answers 400/413/415 with the JSON error of the HTTP ' +
      'contract, byte for byte like the container; API Gateway request validation would answer differently.',
  );
  acknowledgeFinding(api.deploymentStage, 'AwsSolutions-APIG3', 'A tutorial API with stage throttling; AWS WAF costs a monthly fee per web ACL.');
  acknowledgeFinding(
    api.deploymentStage,
    'AwsSolutions-APIG6',
    'Execution logs repeat what the access log and each function log already say, at a CloudWatch Logs ' +
      'charge per request; the stage writes access logs, each function its own.',
  );
  const logsRole = api.node.tryFindChild('CloudWatchRole');
  if (logsRole) {
    acknowledgeFinding(
      logsRole,
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
      "API Gateway's account-level CloudWatch role, with the managed policy AWS's guide sets up for it: it writes " +
        'the logs of every API in the region that logs, so no policy scoped to this stack would fit.',
    );
  }
}

/** Once every method is added: each is public on purpose (cdk-nag's APIG4 and COG4). */
export function acknowledgePublicMethods(api: apigateway.RestApi, allowedCidr: string | undefined) {
  const who = allowedCidr ? `only callable from ${allowedCidr}` : 'open to anyone; -c allowedCidr=<range> limits it to one address range';
  const publicApi = `The blog API is public by design, like the original demo (${who}); authentication is outside the tutorial.`;
  for (const method of api.methods) {
    acknowledgeFinding(method, 'AwsSolutions-APIG4', publicApi);
    acknowledgeFinding(method, 'AwsSolutions-COG4', publicApi);
  }
}

/**
 * Static header values for API Gateway: each quoted in single quotes (`'*'`), both as the values
 * an integration answers with and as the headers its method response declares.
 */
export function staticHeaders(headers: Record<string, string>) {
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
