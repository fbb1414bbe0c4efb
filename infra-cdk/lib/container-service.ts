import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as ecrAssets from 'aws-cdk-lib/aws-ecr-assets';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as ecsPatterns from 'aws-cdk-lib/aws-ecs-patterns';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { acknowledgeFinding } from './acknowledge';
import { BlogTable } from './blog-table';
import { ContainerDescription, OperatingDescription } from './description';
import { spanExportEnvironment } from './functions-api';
import { PackageFolder } from './package-folder';

/**
 * How many tasks run and when ECS adds one. Infrastructure choices: one task is enough for a
 * tutorial, four bound the bill, and 60% CPU leaves room for a burst while a new task starts.
 */
export const SERVICE_SCALING = { minTasks: 1, maxTasks: 4, cpuTargetPercent: 60 } as const;

/**
 * How the load balancer decides a task is healthy: `healthyAnswers` answers of 200 in a row, one
 * every `intervalSeconds`. Faster than the defaults (5 answers, 30 s apart) so a deployment
 * does not wait minutes for a task that answered at once.
 */
export const HEALTH_CHECK = { intervalSeconds: 10, timeoutSeconds: 5, healthyAnswers: 2, unhealthyAnswers: 3 } as const;

/** The port the load balancer listens on (HTTP: HTTPS needs a domain and a certificate). */
export const LISTENER_PORT = 80;

export interface ContainerServiceProps {
  readonly description: ContainerDescription;
  readonly table: BlogTable;
  readonly packageFolder: PackageFolder;
  readonly logRetention: logs.RetentionDays;
  /** X-Ray (chapter 12): whether the server sends the blog's spans, and which share. */
  readonly tracing: OperatingDescription['tracing'];
  /** When set, only this IPv4 range may reach the load balancer; otherwise anyone may. */
  readonly allowedCidr?: string;
  /** An image already in a registry to run, instead of building the package's image folder. */
  readonly containerImage?: string;
}

/**
 * The second variant: the `hyper` server in a container on Fargate behind an Application Load
 * Balancer, in a VPC of its own.
 *
 * The VPC has public subnets only and no NAT gateway: each task gets a public IP to pull its
 * image from ECR and to send logs, and a gateway endpoint keeps its DynamoDB traffic inside AWS.
 * The tasks' security group admits only the load balancer's.
 */
export class ContainerService extends Construct {
  readonly vpc: ec2.Vpc;
  readonly service: ecsPatterns.ApplicationLoadBalancedFargateService;
  /** The server's log group: one JSON line per request (chapter 12). */
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: ContainerServiceProps) {
    super(scope, id);
    const { description, table, allowedCidr } = props;
    checkShutdownTimes(description);
    checkLoadBalancerIdleTimeout(description);

    this.vpc = new ec2.Vpc(this, 'Vpc', {
      maxAzs: 2,
      natGateways: 0,
      subnetConfiguration: [{ name: 'Public', subnetType: ec2.SubnetType.PUBLIC }],
      gatewayEndpoints: { DynamoDb: { service: ec2.GatewayVpcEndpointAwsService.DYNAMODB } },
      // Nothing uses the default security group; emptying it would take a custom resource (a helper Lambda).
      restrictDefaultSecurityGroup: false,
    });
    const cluster = new ecs.Cluster(this, 'Cluster', { vpc: this.vpc });

    const platform = containerPlatform(description.architecture);
    const taskDefinition = new ecs.FargateTaskDefinition(this, 'TaskDefinition', {
      cpu: description.cpu,
      memoryLimitMiB: description.memoryMiB,
      runtimePlatform: { cpuArchitecture: platform.cpu, operatingSystemFamily: ecs.OperatingSystemFamily.LINUX },
    });
    const logGroup = (this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    }));
    taskDefinition.addContainer('Server', {
      image: props.containerImage
        ? this.imageInRegistry(props.containerImage)
        : ecs.ContainerImage.fromAsset(props.packageFolder.imageFolder(), { platform: platform.image }),
      portMappings: [{ containerPort: description.port }],
      environment: {
        ...description.environment,
        [description.portVariable]: String(description.port),
        [description.tableNameVariable]: table.table.tableName,
        ...spanExportEnvironment(props.tracing),
        ...(props.tracing.exportSpans ? { [props.tracing.ratioVariable]: String(props.tracing.containerRatio) } : {}),
      },
      // ECS sends SIGTERM, waits this long, then SIGKILL: the server's shutdown grace fits inside.
      stopTimeout: Duration.seconds(description.stopTimeoutSeconds),
      logging: ecs.LogDrivers.awsLogs({ logGroup, streamPrefix: 'server' }),
    });
    for (const permission of description.dynamodb) {
      taskDefinition.addToTaskRolePolicy(
        new iam.PolicyStatement({ actions: [permission.action], resources: [table.arnFor(permission)] }),
      );
    }
    // ANCHOR: task_spans
    if (props.tracing.exportSpans) {
      // The action AWS's page on sending spans without a collector grants (through its write-only
      // X-Ray policy); X-Ray has no resource-level permissions, so the resource is *.
      taskDefinition.addToTaskRolePolicy(
        new iam.PolicyStatement({ actions: ['xray:PutTraceSegments'], resources: ['*'] }),
      );
      acknowledgeFinding(
        taskDefinition.taskRole.node.findChild('DefaultPolicy'),
        'AwsSolutions-IAM5[Resource::*]',
        "The server's spans go to X-Ray, whose xray:PutTraceSegments has no resource-level permissions, " +
          "so its resource is *; every other statement names the table or its index.",
      );
    }
    // ANCHOR_END: task_spans

    // ANCHOR: service
    this.service = new ecsPatterns.ApplicationLoadBalancedFargateService(this, 'Service', {
      cluster,
      taskDefinition,
      desiredCount: SERVICE_SCALING.minTasks,
      // A deployment starts the new task before it stops the old one, so the blog never goes away.
      minHealthyPercent: 100,
      maxHealthyPercent: 200,
      circuitBreaker: { rollback: true },
      publicLoadBalancer: true,
      listenerPort: LISTENER_PORT,
      // The load balancer closes an idle connection after this long (the attribute
      // idle_timeout.timeout_seconds); the description's loader checked that the server keeps one
      // open longer, so the load balancer never sends a request on a connection the server closed.
      idleTimeout: Duration.seconds(description.loadBalancerIdleTimeoutSeconds),
      // With a CIDR, the listener is opened to that range below instead of to everyone.
      openListener: allowedCidr === undefined,
      assignPublicIp: true,
      taskSubnets: { subnetType: ec2.SubnetType.PUBLIC },
    });
    // ANCHOR_END: service
    this.hardenLoadBalancer();
    if (allowedCidr) {
      this.service.loadBalancer.connections.allowFrom(
        ec2.Peer.ipv4(allowedCidr),
        ec2.Port.tcp(LISTENER_PORT),
        `HTTP from ${allowedCidr} only`,
      );
    }

    // ANCHOR: draining
    this.service.targetGroup.configureHealthCheck({
      path: description.healthCheckPath,
      healthyHttpCodes: '200',
      interval: Duration.seconds(HEALTH_CHECK.intervalSeconds),
      timeout: Duration.seconds(HEALTH_CHECK.timeoutSeconds),
      healthyThresholdCount: HEALTH_CHECK.healthyAnswers,
      unhealthyThresholdCount: HEALTH_CHECK.unhealthyAnswers,
    });
    // On scale-in or deployment, the load balancer stops sending new requests to a task and waits
    // this long for the ones in flight; only then does ECS send SIGTERM.
    this.service.targetGroup.setAttribute(
      'deregistration_delay.timeout_seconds',
      String(description.deregistrationDelaySeconds),
    );
    // ANCHOR_END: draining

    this.service.service
      .autoScaleTaskCount({ minCapacity: SERVICE_SCALING.minTasks, maxCapacity: SERVICE_SCALING.maxTasks })
      .scaleOnCpuUtilization('Cpu', { targetUtilizationPercent: SERVICE_SCALING.cpuTargetPercent });

    // The pattern adds its own outputs (LoadBalancerDNS, ServiceURL); the stack names its URLs itself.
    this.service.node.tryRemoveChild('LoadBalancerDNS');
    this.service.node.tryRemoveChild('ServiceURL');

    this.acknowledgeChecks(taskDefinition, cluster, allowedCidr);
  }

  /**
   * An image already in a registry. An image in a private ECR repository (`<account>.dkr.ecr.
   * <region>.amazonaws.com/<name>:<tag>`) needs the task's execution role to be allowed to pull
   * from that repository, or no task can start: the repository-aware image grants exactly that.
   * Any other registry (ECR Public, Docker Hub) is pulled anonymously.
   */
  // ANCHOR: image_in_registry
  private imageInRegistry(uri: string): ecs.ContainerImage {
    const inEcr = privateEcrImage(uri);
    if (!inEcr) {
      if (uri.includes('.dkr.ecr')) {
        throw new Error(
          `Context containerImage is "${uri}": it names a private ECR registry but is not of the form ` +
            '<account>.dkr.ecr.<region>.amazonaws.com/<repository>:<tag> (or @sha256:<digest>)',
        );
      }
      return ecs.ContainerImage.fromRegistry(uri);
    }
    const repository = ecr.Repository.fromRepositoryAttributes(this, 'ImageRepository', {
      repositoryName: inEcr.repositoryName,
      repositoryArn: `arn:${inEcr.partition}:ecr:${inEcr.region}:${inEcr.account}:repository/${inEcr.repositoryName}`,
    });
    return ecs.ContainerImage.fromEcrRepository(repository, inEcr.tagOrDigest);
  }
  // ANCHOR_END: image_in_registry

  /**
   * Two settings the pattern leaves open. The load balancer drops header fields that are not
   * valid HTTP (instead of passing them to the server). Its security group may send only to the
   * tasks: the pattern adds that rule as a separate resource and leaves the group itself with no
   * egress rule, and EC2 gives a group created with none a rule that allows all egress. A rule
   * that matches no traffic, as the CDK writes for a group that allows nothing, removes it.
   */
  // ANCHOR: harden
  private hardenLoadBalancer() {
    this.service.loadBalancer.setAttribute('routing.http.drop_invalid_header_fields.enabled', 'true');
    const group = this.service.loadBalancer.connections.securityGroups[0].node.defaultChild as ec2.CfnSecurityGroup;
    group.addPropertyOverride('SecurityGroupEgress', [NO_TRAFFIC_EGRESS]);
  }
  // ANCHOR_END: harden

  /** `http://<load balancer DNS name>/` */
  get url(): string {
    return `http://${this.service.loadBalancer.loadBalancerDnsName}/`;
  }

  /** The cdk-nag findings this service keeps on purpose, each on the resource it is about. */
  private acknowledgeChecks(taskDefinition: ecs.FargateTaskDefinition, cluster: ecs.Cluster, allowedCidr?: string) {
    acknowledgeFinding(
      this.vpc,
      'AwsSolutions-VPC7',
      'A tutorial VPC that runs one service; flow logs would add a log group, a role and ingestion charges, and nothing reads them.',
    );
    acknowledgeFinding(
      cluster,
      'AwsSolutions-ECS4',
      "ECS's standard service metrics (CPU, memory) drive the scaling and the book's measurements; Container Insights adds per-metric CloudWatch charges.",
    );
    acknowledgeFinding(
      taskDefinition,
      'AwsSolutions-ECS2',
      "The environment holds configuration only (store kind, listen address, port, the table's name), no secret.",
    );
    const executionRole = taskDefinition.obtainExecutionRole() as iam.Role;
    acknowledgeFinding(
      executionRole.node.findChild('DefaultPolicy'),
      'AwsSolutions-IAM5[Resource::*]',
      'The role ECS uses to pull the image and write its logs: ecr:GetAuthorizationToken has no resource-level ' +
        'permissions, so its resource is *; the pull itself is limited to the asset repository, the logs to the log group.',
    );
    const loadBalancer = this.service.loadBalancer;
    acknowledgeFinding(
      loadBalancer,
      'AwsSolutions-ELB2',
      'Access logs need an S3 bucket with its own policy and lifecycle; the server logs every request itself.',
    );
    if (!allowedCidr) {
      acknowledgeFinding(
        loadBalancer.connections.securityGroups[0],
        'AwsSolutions-EC23',
        'The blog is a public website, open on port 80 only; -c allowedCidr=<range> limits it to one address range.',
      );
    }
  }
}

/**
 * An egress rule that matches no packet (ICMP type 252, code 86, to the broadcast address), the
 * one the CDK writes into a security group that may send nothing.
 */
export const NO_TRAFFIC_EGRESS = {
  CidrIp: '255.255.255.255/32',
  Description: 'Disallow all traffic',
  IpProtocol: 'icmp',
  FromPort: 252,
  ToPort: 86,
} as const;

/** The parts of a private ECR image URI. */
export interface EcrImage {
  readonly partition: string;
  readonly account: string;
  readonly region: string;
  readonly repositoryName: string;
  /** A tag (`1`), or a digest (`sha256:...`). */
  readonly tagOrDigest: string;
}

/**
 * The parts of `<account>.dkr.ecr.<region>.amazonaws.com[.cn]/<name>[:tag|@sha256:digest]`, or
 * `undefined` for an image elsewhere. Without a tag, ECR (like Docker) serves `latest`.
 */
export function privateEcrImage(uri: string): EcrImage | undefined {
  const match = /^(\d{12})\.dkr\.ecr(?:-fips)?\.([a-z0-9-]+)\.amazonaws\.com(\.cn)?\/([a-z0-9][a-z0-9._\/-]*?)(?::([\w][\w.-]{0,127})|@(sha256:[a-f0-9]{64}))?$/.exec(uri);
  if (!match) return undefined;
  const [, account, region, china, repositoryName, tag, digest] = match;
  return {
    partition: china ? 'aws-cn' : 'aws',
    account,
    region,
    repositoryName,
    tagOrDigest: digest ?? tag ?? 'latest',
  };
}

/** The image platform and the task's CPU architecture for the description's architecture. */
function containerPlatform(architecture: string) {
  switch (architecture) {
    case 'arm64':
      return { cpu: ecs.CpuArchitecture.ARM64, image: ecrAssets.Platform.LINUX_ARM64 };
    case 'x86_64':
      return { cpu: ecs.CpuArchitecture.X86_64, image: ecrAssets.Platform.LINUX_AMD64 };
    default:
      throw new Error(`Unknown container architecture "${architecture}" in the description: expected arm64 or x86_64`);
  }
}

/**
 * ECS sends SIGTERM and kills the task `stopTimeout` later (at most 120 s on Fargate); the
 * server must finish draining before that.
 */
function checkShutdownTimes(description: ContainerDescription) {
  if (description.stopTimeoutSeconds > 120) {
    throw new Error(`container.stopTimeoutSeconds is ${description.stopTimeoutSeconds}; Fargate allows at most 120`);
  }
  if (description.shutdownGraceSeconds >= description.stopTimeoutSeconds) {
    throw new Error(
      `container.shutdownGraceSeconds (${description.shutdownGraceSeconds}) must be shorter than ` +
        `container.stopTimeoutSeconds (${description.stopTimeoutSeconds}): ECS kills the task when the stop timeout ends`,
    );
  }
}

/**
 * An Application Load Balancer's idle timeout is 1 to 4000 seconds. (That it is shorter than the
 * server's is a property of the description, which its loader checks.)
 */
function checkLoadBalancerIdleTimeout(description: ContainerDescription) {
  if (description.loadBalancerIdleTimeoutSeconds > 4000) {
    throw new Error(
      `container.loadBalancerIdleTimeoutSeconds is ${description.loadBalancerIdleTimeoutSeconds}; an Application Load Balancer allows at most 4000`,
    );
  }
}
