import * as path from 'node:path';
import { CfnOutput, RemovalPolicy, Stack, StackProps } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { BlogTable } from './blog-table';
import { ContainerService } from './container-service';
import { loadDescription, withAllowedOrigin } from './description';
import { LogsRoleSource } from './blog-rest-api';
import { FunctionsApi } from './functions-api';
import { OneFunctionApi } from './one-function-api';
import { addFunctionUrl, HttpApiDoor } from './other-doors';
import { Operations } from './operations';
import { PackageFolder } from './package-folder';

/**
 * The context values the stack reads (`cdk synth -c name=value`, or `context` in cdk.json).
 */
export const CONTEXT = {
  /**
   * The OpenAPI document with the `x-blog-deployment` description. Default `../openapi.json`;
   * a relative path is resolved against the current directory.
   */
  description: 'description',
  /**
   * The folder `cargo xtask package` fills. Default: the description's `package.dir`
   * (`target/package`) in the folder that holds the description; a relative path given here is
   * resolved against the current directory.
   */
  packageDir: 'packageDir',
  /** What `cdk destroy` does with the table: `destroy` (default) or `retain`. */
  tableRemoval: 'tableRemoval',
  /** An IPv4 range (`203.0.113.0/24`) that alone may reach both variants. Default: anyone. */
  allowedCidr: 'allowedCidr',
  /**
   * An image already in a registry (`<account>.dkr.ecr.<region>.amazonaws.com/blog-server:1`) to
   * run instead of building `target/package/image` as an asset: for a deploy from a machine with
   * no container builder, and for the deploy rehearsal on a local AWS emulator. Default: build it.
   */
  containerImage: 'containerImage',
  /**
   * The one origin browsers may call the blog from (`https://blog.example.com`), in place of the
   * description's `*`: where the demo page is served from. Default: any origin.
   */
  allowedOrigin: 'allowedOrigin',
  /**
   * Where API Gateway's CloudWatch role comes from, which a stage that writes access logs needs
   * (an account setting, one per region): `stack` (default) creates the role and sets it, and
   * both stay when the stack is deleted; `account` uses the role the account already has (the
   * deploy's preflight found one), and changes nothing.
   */
  apiGatewayLogsRole: 'apiGatewayLogsRole',
  /**
   * An e-mail address the alarms write to (chapter 12). AWS sends it a confirmation first.
   * Default: none (the alarms still change state on the dashboard and the topic).
   */
  alarmEmail: 'alarmEmail',
} as const;

/** The default description, relative to infra-cdk/ where `cdk` runs: the repository root's openapi.json. */
const DEFAULT_DESCRIPTION = '../openapi.json';

/** How long every log group of the stack keeps its logs. */
const LOG_RETENTION = logs.RetentionDays.ONE_WEEK;

/**
 * The serverless blog, deployed twice on one DynamoDB table: as Lambda functions behind API
 * Gateway (`Functions`) and as a container on Fargate behind a load balancer (`Containers`); and
 * chapter 10's two shapes between the two, one function for every route (`OneFunction`) and the
 * container's server on Lambda through the Lambda Web Adapter (`WebAdapter`), which cost nothing
 * while idle. Every resource of a variant sits under that variant's construct.
 */
export class ServerlessBlogStack extends Stack {
  readonly table: BlogTable;
  readonly functions: FunctionsApi;
  readonly containers: ContainerService;
  readonly oneFunction: OneFunctionApi;
  readonly webAdapter: OneFunctionApi;
  /** Alarms, the dashboard and the saved queries, for the functions and the container (chapter 12). */
  readonly operations: Operations;
  /** The four functions behind an HTTP API; absent when `allowedCidr` is set (it cannot be limited). */
  readonly httpApi?: HttpApiDoor;
  /** Chapter 11's export behind its own streaming function URL; absent when `allowedCidr` is set. */
  readonly exportFunctionUrl?: lambda.FunctionUrl;
  /** The one function's function URL; absent when `allowedCidr` is set (it cannot be limited). */
  readonly oneFunctionUrl?: lambda.FunctionUrl;

  constructor(scope: Construct, id: string, props: StackProps = {}) {
    super(scope, id, {
      description:
        'The serverless blog, twice: Lambda functions behind API Gateway and a container on Fargate behind a load balancer; ' +
        "and between the two, one Lambda function for every route and the container's server on Lambda",
      ...props,
    });

    const descriptionFile = path.resolve(this.context(CONTEXT.description) ?? DEFAULT_DESCRIPTION);
    const deployment = withAllowedOrigin(
      loadDescription(descriptionFile),
      this.context(CONTEXT.allowedOrigin),
      `Context ${CONTEXT.allowedOrigin}`,
    );
    const packageFolder = new PackageFolder(deployment.package, path.dirname(descriptionFile), this.context(CONTEXT.packageDir));
    const allowedCidr = checkedCidr(this.context(CONTEXT.allowedCidr));

    this.table = new BlogTable(this, 'Table', {
      description: deployment.table,
      removalPolicy: tableRemovalPolicy(this.context(CONTEXT.tableRemoval)),
    });
    this.functions = new FunctionsApi(this, 'Functions', {
      deployment,
      table: this.table,
      packageFolder,
      logRetention: LOG_RETENTION,
      allowedCidr,
      logsRole: logsRoleSource(this.context(CONTEXT.apiGatewayLogsRole)),
    });
    this.containers = new ContainerService(this, 'Containers', {
      description: deployment.container,
      table: this.table,
      packageFolder,
      logRetention: LOG_RETENTION,
      tracing: deployment.operating.tracing,
      allowedCidr,
      containerImage: this.context(CONTEXT.containerImage),
    });

    const between = {
      deployment,
      table: this.table,
      packageFolder,
      logRetention: LOG_RETENTION,
      allowedCidr,
      logsAccount: this.functions.logsAccount,
    };
    this.oneFunction = new OneFunctionApi(this, 'OneFunction', {
      ...between,
      shape: deployment.oneFunction,
      apiName: 'one-function',
      apiDescription: 'The serverless blog as one Lambda function for every route',
    });
    this.webAdapter = new OneFunctionApi(this, 'WebAdapter', {
      ...between,
      shape: deployment.webAdapter,
      apiName: 'web-adapter',
      apiDescription: "The serverless blog as the container's server on Lambda, through the Lambda Web Adapter",
    });

    this.operations = new Operations(this, 'Operations', {
      description: deployment.operating,
      functions: this.functions,
      containers: this.containers,
      table: this.table,
      alarmEmail: checkedEmail(this.context(CONTEXT.alarmEmail)),
    });

    // ANCHOR: other_doors
    // Two more front doors, which cost nothing while idle. Neither takes a resource policy that
    // could limit it to `allowedCidr` (an HTTP API has none; a NONE function URL is public), so
    // with a limit asked for, the stack leaves them out rather than open them to everyone.
    if (allowedCidr === undefined) {
      this.httpApi = new HttpApiDoor(this.functions, 'HttpApi', {
        description: deployment.httpApi,
        functions: this.functions.functions,
        logRetention: LOG_RETENTION,
      });
      this.oneFunctionUrl = addFunctionUrl(this.oneFunction.function.live, deployment.functionUrl);
      this.exportFunctionUrl = addFunctionUrl(this.functions.exportFunction.live, deployment.export.functionUrl);
    }
    // ANCHOR_END: other_doors

    // The deploy step reads these outputs to write html/urls.js.
    new CfnOutput(this, 'FunctionsURL', {
      description: 'The blog as Lambda functions behind API Gateway: the stage URL; the posts are at blog under it',
      value: this.functions.url,
    });
    new CfnOutput(this, 'ContainersURL', {
      description: 'The blog as a container on Fargate behind a load balancer: its URL; the posts are at blog under it',
      value: this.containers.url,
    });
    new CfnOutput(this, 'AllRoutesURL', {
      description: 'The blog as one Lambda function for every route behind API Gateway (chapter 10): the stage URL; the posts are at blog under it',
      value: this.oneFunction.url,
    });
    new CfnOutput(this, 'WebAdapterURL', {
      description:
        "The blog as the container's server on Lambda through the Lambda Web Adapter, behind API Gateway (chapter 10): the stage URL; the posts are at blog under it",
      value: this.webAdapter.url,
    });
    if (this.httpApi && this.oneFunctionUrl) {
      new CfnOutput(this, 'HttpApiURL', {
        description: 'The blog as Lambda functions behind an API Gateway HTTP API: its URL; the posts are at blog under it',
        value: this.httpApi.url,
      });
      new CfnOutput(this, 'AllRoutesFunctionURL', {
        description: 'The blog as one Lambda function for every route behind its function URL (chapter 10): the URL; the posts are at blog under it',
        value: this.oneFunctionUrl.url,
      });
    }
    new CfnOutput(this, 'DashboardName', {
      description: 'The CloudWatch dashboard with both variants side by side (chapter 12)',
      value: this.operations.dashboard.dashboardName,
    });
    new CfnOutput(this, 'AlarmTopic', {
      description: 'The SNS topic every alarm writes to; subscribe to it for alarms (or deploy with -c alarmEmail=you@example.com)',
      value: this.operations.topic.topicArn,
    });
    if (this.exportFunctionUrl) {
      new CfnOutput(this, 'ExportFunctionURL', {
        description: "Every post as JSON lines, streamed, from chapter 11's function behind its own function URL (the same export is at export under FunctionsURL and ContainersURL)",
        value: this.exportFunctionUrl.url,
      });
    }
  }

  private context(key: string): string | undefined {
    const value: unknown = this.node.tryGetContext(key);
    if (value === undefined || value === null || value === '') return undefined;
    return String(value);
  }
}

function tableRemovalPolicy(value: string | undefined): RemovalPolicy {
  switch (value ?? 'destroy') {
    case 'destroy':
      return RemovalPolicy.DESTROY;
    case 'retain':
      return RemovalPolicy.RETAIN;
    default:
      throw new Error(`Context ${CONTEXT.tableRemoval} is "${value}": use destroy (the default: cdk destroy deletes the posts) or retain (the table outlives the stack)`);
  }
}

function logsRoleSource(value: string | undefined): LogsRoleSource {
  switch (value ?? 'stack') {
    case 'stack':
      return 'stack';
    case 'account':
      return 'account';
    default:
      throw new Error(
        `Context ${CONTEXT.apiGatewayLogsRole} is "${value}": use stack (the default: the stack sets API Gateway's ` +
          'CloudWatch role for the region) or account (the account already has one)',
      );
  }
}

/**
 * An IPv4 range such as 203.0.113.0/24: four numbers 0..255, a prefix length 1..32, and no bits
 * set past the prefix (203.0.113.7/24 is a typo for either /32 or .0/24).
 */
function checkedCidr(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const fail = (problem: string): never => {
    throw new Error(
      `Context ${CONTEXT.allowedCidr} is "${value}": ${problem}. Expected an IPv4 range such as ` +
        '203.0.113.0/24, or your address/32 for just you; leave it unset to open the blog to anyone.',
    );
  };
  const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(value);
  if (!match) return fail('not of the form a.b.c.d/n');
  const octets = match.slice(1, 5).map(Number);
  const prefix = Number(match[5]);
  if (octets.some((n) => n > 255)) fail('a number is above 255');
  if (prefix < 1 || prefix > 32) fail('the prefix length must be 1 to 32');
  const address = octets.reduce((a, n) => a * 256 + n, 0);
  if (address % 2 ** (32 - prefix) !== 0) fail(`bits are set past the /${prefix} prefix`);
  return value;
}

/** An e-mail address: something@domain.tld, no spaces. AWS checks the rest by asking it to confirm. */
function checkedEmail(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value)) {
    throw new Error(`Context ${CONTEXT.alarmEmail} is "${value}": expected an e-mail address such as you@example.com`);
  }
  return value;
}
