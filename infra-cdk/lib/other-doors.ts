import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { acknowledgeFinding } from './acknowledge';
import { STAGE_THROTTLING } from './blog-rest-api';
import { FunctionUrlSettings, HttpApiDescription } from './description';
import { BlogFunction } from './functions-api';

/**
 * The HTTP API's access log line: one JSON object a request, with variables from AWS's
 * "Customize HTTP API access logs" list only. The REST API's standard fields will not do: an HTTP
 * API has no `$context.resourcePath` (it has the route key instead).
 */
export const HTTP_API_ACCESS_LOG_FIELDS: Record<string, string> = {
  requestId: '$context.requestId',
  ip: '$context.identity.sourceIp',
  requestTime: '$context.requestTime',
  httpMethod: '$context.httpMethod',
  routeKey: '$context.routeKey',
  status: '$context.status',
  protocol: '$context.protocol',
  responseLength: '$context.responseLength',
  integrationError: '$context.integrationErrorMessage',
};

export interface HttpApiDoorProps {
  readonly description: HttpApiDescription;
  /** The four functions by name, which the REST API invokes too. */
  readonly functions: Record<string, BlogFunction>;
  readonly logRetention: logs.RetentionDays;
}

/**
 * The four functions behind an API Gateway HTTP API as well: its `$default` stage (no stage in
 * the URL), one route per function and an `ANY` route per path to the function that answers
 * preflights and 405s there, payload format 2.0. It has no CORS configuration on purpose: with
 * one, API Gateway would ignore the functions' CORS headers (chapter 3).
 */
export class HttpApiDoor extends Construct {
  readonly api: apigwv2.HttpApi;
  readonly stage: apigwv2.HttpStage;

  constructor(scope: Construct, id: string, props: HttpApiDoorProps) {
    super(scope, id);
    // ANCHOR: http_api
    this.api = new apigwv2.HttpApi(this, 'Api', {
      apiName: `${Stack.of(this).stackName}-functions-http`,
      description: 'The serverless blog as Lambda functions, behind an HTTP API',
      createDefaultStage: false,
    });
    const integrations = new Map<string, HttpLambdaIntegration>();
    for (const route of props.description.routes) {
      const [method, path] = route.routeKey.split(' ');
      const fn = props.functions[route.function].live;
      let integration = integrations.get(route.function);
      if (!integration) {
        integration = new HttpLambdaIntegration(`${route.function}Integration`, fn, {
          payloadFormatVersion: apigwv2.PayloadFormatVersion.VERSION_2_0,
        });
        integrations.set(route.function, integration);
      }
      this.api.addRoutes({ path, methods: [method as apigwv2.HttpMethod], integration });
    }
    const accessLogs = new logs.LogGroup(this, 'AccessLogs', {
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // An HTTP API's access logs need no account-level CloudWatch role, unlike a REST API's.
    this.stage = this.api.addStage('DefaultStage', {
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: STAGE_THROTTLING.rateLimit, burstLimit: STAGE_THROTTLING.burstLimit },
      accessLogSettings: {
        destination: new apigwv2.LogGroupLogDestination(accessLogs),
        format: apigateway.AccessLogFormat.custom(JSON.stringify(HTTP_API_ACCESS_LOG_FIELDS)),
      },
    });
    // ANCHOR_END: http_api
    const publicRoute = 'The blog API is public by design, like the original demo; authentication is outside the tutorial.';
    for (const child of this.api.node.findAll()) {
      if (child instanceof apigwv2.HttpRoute) {
        acknowledgeFinding(child, 'AwsSolutions-APIG4', publicRoute);
      }
    }
  }

  /** The `$default` stage's URL: the API's root, ending in `/`. */
  get url(): string {
    return this.stage.url;
  }
}

/**
 * A function behind its own function URL (chapter 10's one function, buffered; chapter 11's
 * export, streamed): public (`NONE`), with no CORS configuration (with one, Lambda would send its
 * CORS headers beside the function's).
 */
export function addFunctionUrl(fn: lambda.FunctionBase, description: FunctionUrlSettings): lambda.FunctionUrl {
  // ANCHOR: function_url
  // With auth type NONE, CDK adds both statements a public function URL needs: InvokeFunctionUrl
  // for a NONE URL, and (since October 2025) InvokeFunction when invoked through a function URL.
  return fn.addFunctionUrl({
    authType: lambda.FunctionUrlAuthType[description.authType],
    invokeMode: lambda.InvokeMode[description.invokeMode],
  });
  // ANCHOR_END: function_url
}
