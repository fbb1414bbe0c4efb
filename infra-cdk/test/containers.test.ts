import { HEALTH_CHECK, LISTENER_PORT, NO_TRAFFIC_EGRESS, SERVICE_SCALING } from '../lib/container-service';
import { grantsOf, sorted } from './support/iam';
import {
  blogDescription,
  blogTemplate,
  getAtt,
  logicalIdAt,
  ref,
  resourceAt,
  resourcesOfType,
  templateJson,
  XRAY_ENDPOINT,
} from './support/template';

const d = blogDescription();
const c = d.container;
const id = (path: string) => logicalIdAt(`ServerlessBlog/Containers/${path}`);
const taskDefinition = () => resourceAt('ServerlessBlog/Containers/TaskDefinition/Resource');
const container = () => taskDefinition().Properties!.ContainerDefinitions[0];
const serviceSecurityGroup = () => id('Service/Service/SecurityGroup/Resource');
const loadBalancerSecurityGroup = () => id('Service/LB/SecurityGroup/Resource');

describe('the task', () => {
  test('runs one container on Fargate, arm64 Linux, with the CPU and memory of the description', () => {
    expect(taskDefinition().Properties).toMatchObject({
      RequiresCompatibilities: ['FARGATE'],
      NetworkMode: 'awsvpc',
      RuntimePlatform: { CpuArchitecture: 'ARM64', OperatingSystemFamily: 'LINUX' },
      Cpu: String(c.cpu),
      Memory: String(c.memoryMiB),
    });
    expect(c.architecture).toBe('arm64');
    expect(taskDefinition().Properties!.ContainerDefinitions).toHaveLength(1);
  });

  test('runs the image asset of the package folder', () => {
    expect(container().Image).toEqual({ 'Fn::Sub': expect.stringMatching(/container-assets-.*:[0-9a-f]{64}$/) });
  });

  test("listens on the description's port and is told it, with the description's environment and the table's name", () => {
    expect(container().PortMappings).toEqual([{ ContainerPort: c.port, Protocol: 'tcp' }]);
    const environment = Object.fromEntries(container().Environment.map((e: any) => [e.Name, e.Value]));
    expect(environment).toEqual({
      ...c.environment,
      [c.portVariable]: String(c.port),
      [c.tableNameVariable]: ref(logicalIdAt('ServerlessBlog/Table/Posts/Resource')),
      [d.operating.tracing.endpointVariable]: XRAY_ENDPOINT,
      [d.operating.tracing.ratioVariable]: String(d.operating.tracing.containerRatio),
    });
  });

  test('gets the stop timeout of the description, longer than the server shutdown grace', () => {
    expect(container().StopTimeout).toBe(c.stopTimeoutSeconds);
    expect(c.shutdownGraceSeconds).toBeLessThan(c.stopTimeoutSeconds);
  });

  test('logs to its own log group, kept for a week', () => {
    expect(container().LogConfiguration).toEqual({
      LogDriver: 'awslogs',
      Options: { 'awslogs-group': ref(id('Logs/Resource')), 'awslogs-stream-prefix': 'server', 'awslogs-region': ref('AWS::Region') },
    });
    expect(resourceAt('ServerlessBlog/Containers/Logs/Resource').Properties).toEqual({ RetentionInDays: 7 });
  });

  test('may do exactly the DynamoDB actions of the description on exactly the table or index', () => {
    const tableArn = getAtt(logicalIdAt('ServerlessBlog/Table/Posts/Resource'), 'Arn');
    const policy = resourceAt('ServerlessBlog/Containers/TaskDefinition/TaskRole/DefaultPolicy/Resource');
    expect(policy.Properties!.Roles).toEqual([ref(id('TaskDefinition/TaskRole/Resource'))]);
    expect(sorted(grantsOf(policy))).toEqual(
      sorted([
        ...c.dynamodb.map((p) => ({
          action: p.action,
          resource: p.on === 'index' ? { 'Fn::Join': ['', [tableArn, `/index/${p.index}`]] } : tableArn,
        })),
        // Its spans (chapter 12).
        { action: 'xray:PutTraceSegments', resource: '*' },
      ]),
    );
    expect(resourceAt('ServerlessBlog/Containers/TaskDefinition/TaskRole/Resource').Properties).not.toHaveProperty('ManagedPolicyArns');
  });
});

describe('the service', () => {
  const service = () => resourceAt('ServerlessBlog/Containers/Service/Service/Service').Properties!;

  test('starts the new task before stopping the old and rolls back a deployment that fails', () => {
    expect(service()).toMatchObject({
      LaunchType: 'FARGATE',
      DesiredCount: SERVICE_SCALING.minTasks,
      DeploymentConfiguration: {
        DeploymentCircuitBreaker: { Enable: true, Rollback: true },
        MinimumHealthyPercent: 100,
        MaximumPercent: 200,
      },
    });
  });

  test('runs its tasks in the public subnets with a public IP (no NAT gateway needed to pull the image)', () => {
    expect(service().NetworkConfiguration.AwsvpcConfiguration).toEqual({
      AssignPublicIp: 'ENABLED',
      SecurityGroups: [getAtt(serviceSecurityGroup(), 'GroupId')],
      Subnets: [ref(id('Vpc/PublicSubnet1/Subnet')), ref(id('Vpc/PublicSubnet2/Subnet'))],
    });
  });

  test('scales from 1 to 4 tasks on CPU', () => {
    blogTemplate().hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', {
      MinCapacity: SERVICE_SCALING.minTasks,
      MaxCapacity: SERVICE_SCALING.maxTasks,
      ScalableDimension: 'ecs:service:DesiredCount',
      ServiceNamespace: 'ecs',
    });
    blogTemplate().hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
      PolicyType: 'TargetTrackingScaling',
      TargetTrackingScalingPolicyConfiguration: {
        PredefinedMetricSpecification: { PredefinedMetricType: 'ECSServiceAverageCPUUtilization' },
        TargetValue: SERVICE_SCALING.cpuTargetPercent,
      },
    });
  });

  test('its tasks admit traffic from the load balancer security group only, on the container port', () => {
    expect(resourceAt('ServerlessBlog/Containers/Service/Service/SecurityGroup/Resource').Properties).not.toHaveProperty(
      'SecurityGroupIngress',
    );
    const ingresses = Object.values(resourcesOfType('AWS::EC2::SecurityGroupIngress')).map((r) => r.Properties);
    expect(ingresses).toEqual([
      {
        GroupId: getAtt(serviceSecurityGroup(), 'GroupId'),
        SourceSecurityGroupId: getAtt(loadBalancerSecurityGroup(), 'GroupId'),
        IpProtocol: 'tcp',
        FromPort: c.port,
        ToPort: c.port,
        Description: 'Load balancer to target',
      },
    ]);
  });
});

describe('the load balancer', () => {
  test('is public, listens for HTTP on port 80 and forwards to the service target group', () => {
    blogTemplate().hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
      Scheme: 'internet-facing',
      Type: 'application',
      Subnets: [ref(id('Vpc/PublicSubnet1/Subnet')), ref(id('Vpc/PublicSubnet2/Subnet'))],
    });
    blogTemplate().hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      Port: LISTENER_PORT,
      Protocol: 'HTTP',
      DefaultActions: [{ Type: 'forward', TargetGroupArn: ref(id('Service/LB/PublicListener/ECSGroup/Resource')) }],
    });
  });

  test('is open to anyone on port 80, and on no other port, when no allowedCidr is given', () => {
    expect(resourceAt('ServerlessBlog/Containers/Service/LB/SecurityGroup/Resource').Properties!.SecurityGroupIngress).toEqual([
      { CidrIp: '0.0.0.0/0', Description: 'Allow from anyone on port 80', FromPort: 80, IpProtocol: 'tcp', ToPort: 80 },
    ]);
  });

  test('drops header fields that are not valid HTTP instead of passing them to the server', () => {
    expect(resourceAt('ServerlessBlog/Containers/Service/LB/Resource').Properties!.LoadBalancerAttributes).toContainEqual({
      Key: 'routing.http.drop_invalid_header_fields.enabled',
      Value: 'true',
    });
  });

  test('may send to the tasks on their port and nowhere else (no allow-all egress left by EC2)', () => {
    // A group created with no egress rule gets EC2's allow-all; the rule that matches no packet replaces it.
    expect(resourceAt('ServerlessBlog/Containers/Service/LB/SecurityGroup/Resource').Properties!.SecurityGroupEgress).toEqual([
      NO_TRAFFIC_EGRESS,
    ]);
    const egress = Object.values(resourcesOfType('AWS::EC2::SecurityGroupEgress')).filter(
      (r) => JSON.stringify(r.Properties!.GroupId) === JSON.stringify(getAtt(loadBalancerSecurityGroup(), 'GroupId')),
    );
    expect(egress.map((r) => r.Properties)).toEqual([
      {
        Description: 'Load balancer to target',
        DestinationSecurityGroupId: getAtt(serviceSecurityGroup(), 'GroupId'),
        FromPort: c.port,
        ToPort: c.port,
        IpProtocol: 'tcp',
        GroupId: getAtt(loadBalancerSecurityGroup(), 'GroupId'),
      },
    ]);
  });

  test("checks the description's health path and wants a 200", () => {
    expect(resourceAt('ServerlessBlog/Containers/Service/LB/PublicListener/ECSGroup/Resource').Properties).toMatchObject({
      TargetType: 'ip',
      HealthCheckPath: c.healthCheckPath,
      Matcher: { HttpCode: '200' },
      HealthCheckIntervalSeconds: HEALTH_CHECK.intervalSeconds,
      HealthCheckTimeoutSeconds: HEALTH_CHECK.timeoutSeconds,
      HealthyThresholdCount: HEALTH_CHECK.healthyAnswers,
      UnhealthyThresholdCount: HEALTH_CHECK.unhealthyAnswers,
    });
  });

  test('drains a task for the deregistration delay of the description before ECS stops it', () => {
    expect(
      resourceAt('ServerlessBlog/Containers/Service/LB/PublicListener/ECSGroup/Resource').Properties!.TargetGroupAttributes,
    ).toContainEqual({ Key: 'deregistration_delay.timeout_seconds', Value: String(c.deregistrationDelaySeconds) });
  });

  test("closes idle connections after the description's load balancer idle timeout, before the server does", () => {
    expect(resourceAt('ServerlessBlog/Containers/Service/LB/Resource').Properties!.LoadBalancerAttributes).toContainEqual({
      Key: 'idle_timeout.timeout_seconds',
      Value: String(c.loadBalancerIdleTimeoutSeconds),
    });
    expect(c.loadBalancerIdleTimeoutSeconds).toBeLessThan(c.serverIdleTimeoutSeconds);
  });

  test('its URL is the output ContainersURL, http://<DNS name>/', () => {
    const output = templateJson().Outputs.ContainersURL;
    expect(output.Description).toMatch(/container on Fargate/);
    expect(output.Value).toEqual({ 'Fn::Join': ['', ['http://', getAtt(id('Service/LB/Resource'), 'DNSName'), '/']] });
  });
});

describe('the VPC', () => {
  test('has two public subnets in two zones, and no private subnet', () => {
    const subnets = Object.values(resourcesOfType('AWS::EC2::Subnet'));
    expect(subnets.map((s) => s.Metadata!['aws:cdk:path'])).toEqual([
      'ServerlessBlog/Containers/Vpc/PublicSubnet1/Subnet',
      'ServerlessBlog/Containers/Vpc/PublicSubnet2/Subnet',
    ]);
    for (const [i, subnet] of subnets.entries()) {
      expect(subnet.Properties).toMatchObject({
        MapPublicIpOnLaunch: true,
        AvailabilityZone: { 'Fn::Select': [i, { 'Fn::GetAZs': '' }] },
      });
    }
  });

  test('has no NAT gateway', () => {
    blogTemplate().resourceCountIs('AWS::EC2::NatGateway', 0);
    blogTemplate().resourceCountIs('AWS::EC2::EIP', 0);
  });

  test('reaches DynamoDB through a gateway endpoint on both route tables', () => {
    blogTemplate().hasResourceProperties('AWS::EC2::VPCEndpoint', {
      VpcEndpointType: 'Gateway',
      ServiceName: { 'Fn::Join': ['', ['com.amazonaws.', ref('AWS::Region'), '.dynamodb']] },
      RouteTableIds: [ref(id('Vpc/PublicSubnet1/RouteTable')), ref(id('Vpc/PublicSubnet2/RouteTable'))],
      VpcId: ref(id('Vpc/Resource')),
    });
  });

  test('needs no custom resource (no helper Lambda function outside Functions)', () => {
    const helpers = Object.values(templateJson().Resources).filter(
      (r) => r.Type.startsWith('Custom::') || r.Type === 'AWS::CloudFormation::CustomResource',
    );
    expect(helpers).toEqual([]);
  });
});
