import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { acknowledgePublicMethods, blogRestApi } from './blog-rest-api';
import { BlogTable } from './blog-table';
import { BlogDeployment } from './description';
import { BlogFunction } from './functions-api';
import { PackageFolder } from './package-folder';

export interface OneFunctionApiProps {
  readonly deployment: BlogDeployment;
  readonly table: BlogTable;
  readonly packageFolder: PackageFolder;
  readonly logRetention: logs.RetentionDays;
  readonly allowedCidr?: string;
  /** The region's API Gateway CloudWatch role setting when the stack makes it: the stage waits for it. */
  readonly logsAccount?: apigateway.CfnAccount;
}

/**
 * Chapter 10's shape: one Lambda function runs chapter 4's router for every route, behind a REST
 * API of its own whose one resource, `/{proxy+}` with the method `ANY`, sends it every request.
 * Routing, the CORS preflight and the 405 are the router's, as in the container; the function runs
 * with the four functions' runtime, memory and timeout, and its role may make every call any of
 * them makes.
 */
export class OneFunctionApi extends Construct {
  readonly api: apigateway.RestApi;
  readonly function: BlogFunction;

  constructor(scope: Construct, id: string, props: OneFunctionApiProps) {
    super(scope, id);
    const { deployment } = props;
    const one = deployment.oneFunction;

    // ANCHOR: one_function
    this.function = new BlogFunction(this, one.name, {
      common: deployment.functions,
      route: `ANY ${one.resource} (every route, through the router)`,
      dynamodb: one.dynamodb,
      table: props.table,
      zip: props.packageFolder.functionZipOf(one.name),
      logRetention: props.logRetention,
    });
    this.api = blogRestApi(this, 'Api', {
      ...props,
      name: 'one-function',
      description: 'The serverless blog as one Lambda function for every route',
      cloudWatchRole: false,
      after: props.logsAccount,
    });
    // `{proxy+}` matches every path below the stage; `ANY` every method, OPTIONS included.
    this.api.root
      .addResource(one.resource.slice(1))
      .addMethod('ANY', new apigateway.LambdaIntegration(this.function.function, { allowTestInvoke: false }));
    // ANCHOR_END: one_function
    acknowledgePublicMethods(this.api, props.allowedCidr);
  }

  /** The stage's URL, ending in `/Prod/`. */
  get url(): string {
    return this.api.url;
  }
}
