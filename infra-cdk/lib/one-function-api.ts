import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { acknowledgePublicMethods, blogRestApi } from './blog-rest-api';
import { BlogTable } from './blog-table';
import { BlogDeployment, OneFunctionDescription, WebAdapterDescription } from './description';
import { BlogFunction, lambdaArchitecture, lambdaRuntime } from './functions-api';
import { PackageFolder } from './package-folder';

export interface OneFunctionApiProps {
  readonly deployment: BlogDeployment;
  readonly table: BlogTable;
  readonly packageFolder: PackageFolder;
  readonly logRetention: logs.RetentionDays;
  readonly allowedCidr?: string;
  /** The region's API Gateway CloudWatch role setting when the stack makes it: the stage waits for it. */
  readonly logsAccount?: apigateway.CfnAccount;
  /**
   * Which of chapter 10's functions gets every request: the one function (`lambda_http` running
   * the router), or the web adapter's (the container's server, run by the Lambda Web Adapter).
   */
  readonly shape: OneFunctionDescription | WebAdapterDescription;
  /** The REST API's name and description. */
  readonly apiName: string;
  readonly apiDescription: string;
}

/**
 * Chapter 10's shapes: one Lambda function gets every route, behind a REST API of its own whose
 * one resource, `/{proxy+}` with the method `ANY`, sends it every request. Routing, the CORS
 * preflight and the 405 are the router's, as in the container; the function runs with the four
 * functions' runtime, memory and timeout, and its role may make every call any of them makes.
 *
 * For the web adapter's shape the function's code is the container's server, and a layer adds
 * the Lambda Web Adapter as an extension (`/opt/extensions/lambda-adapter`), told by the
 * function's environment which port the server listens on and which path says it is ready.
 */
export class OneFunctionApi extends Construct {
  readonly api: apigateway.RestApi;
  readonly function: BlogFunction;
  /** The Lambda Web Adapter's layer, for the web adapter's shape. */
  readonly adapterLayer?: lambda.LayerVersion;

  constructor(scope: Construct, id: string, props: OneFunctionApiProps) {
    super(scope, id);
    const { deployment, shape } = props;
    const common = deployment.functions;

    // ANCHOR: web_adapter_layer
    if ('layer' in shape) {
      // The adapter, built from its source for the functions' architecture, as an extension.
      this.adapterLayer = new lambda.LayerVersion(this, 'AdapterLayer', {
        code: lambda.Code.fromAsset(props.packageFolder.layerZipOf(shape.layer)),
        compatibleArchitectures: [lambdaArchitecture(common.architecture)],
        compatibleRuntimes: [lambdaRuntime(common.runtime)],
        description: `The Lambda Web Adapter as an external extension (extensions/${shape.layer})`,
      });
    }
    // ANCHOR_END: web_adapter_layer

    // ANCHOR: one_function
    this.function = new BlogFunction(this, shape.name, {
      common,
      route: `ANY ${shape.resource} (every route, ${this.adapterLayer ? 'through the adapter to the server' : 'through the router'})`,
      dynamodb: shape.dynamodb,
      table: props.table,
      zip: props.packageFolder.functionZipOf(shape.name),
      logRetention: props.logRetention,
      layers: this.adapterLayer && [this.adapterLayer],
      environment: 'environment' in shape ? shape.environment : undefined,
      logging: props.deployment.operating.functionLogging,
      alias: props.deployment.operating.functionAlias,
      tracing: props.deployment.operating.tracing,
    });
    this.api = blogRestApi(this, 'Api', {
      ...props,
      name: props.apiName,
      description: props.apiDescription,
      cloudWatchRole: false,
      after: props.logsAccount,
    });
    // `{proxy+}` matches every path below the stage; `ANY` every method, OPTIONS included.
    this.api.root
      .addResource(shape.resource.slice(1))
      .addMethod('ANY', new apigateway.LambdaIntegration(this.function.live, { allowTestInvoke: false }));
    // ANCHOR_END: one_function
    acknowledgePublicMethods(this.api, props.allowedCidr);
  }

  /** The stage's URL, ending in `/Prod/`. */
  get url(): string {
    return this.api.url;
  }
}
