import * as fs from 'node:fs';
import * as path from 'node:path';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { privateEcrImage } from '../lib/container-service';
import { loadDescription } from '../lib/description';
import { PackageFolder } from '../lib/package-folder';
import { writeFakePackage } from './support/fake-package';
import {
  SAMPLE_DESCRIPTION,
  changedDescription,
  sampleFunctionNames,
  sampleLayerNames,
  synthesizeVariant,
  synthesizeVariantStack,
  testDir,
} from './support/synth';

describe('-c allowedCidr', () => {
  const cidr = '203.0.113.0/24';
  let template: Template;
  beforeAll(() => {
    // Synthesis also runs cdk-nag: with the port closed to the internet, nothing is acknowledged for it.
    template = synthesizeVariant({ allowedCidr: cidr });
  });

  test('opens the load balancer on port 80 to that range only', () => {
    template.hasResourceProperties('AWS::EC2::SecurityGroup', {
      GroupDescription: Match.stringLikeRegexp('ELB'),
      SecurityGroupIngress: [{ CidrIp: cidr, Description: `HTTP from ${cidr} only`, FromPort: 80, ToPort: 80, IpProtocol: 'tcp' }],
    });
    const resources: Record<string, any>[] = Object.values(template.toJSON().Resources);
    const ingress = [
      ...resources.filter((r) => r.Type === 'AWS::EC2::SecurityGroup').flatMap((r) => r.Properties.SecurityGroupIngress ?? []),
      ...resources.filter((r) => r.Type === 'AWS::EC2::SecurityGroupIngress').map((r) => r.Properties),
    ];
    expect(ingress.filter((rule) => rule.CidrIp !== undefined || rule.CidrIpv6 !== undefined)).toEqual([
      expect.objectContaining({ CidrIp: cidr }),
    ]);
  });

  test('lets only that range call the API', () => {
    template.hasResourceProperties('AWS::ApiGateway::RestApi', {
      Policy: {
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Principal: { AWS: '*' },
            Action: 'execute-api:Invoke',
            Resource: 'execute-api:/*',
            Condition: { IpAddress: { 'aws:SourceIp': cidr } },
          },
        ],
      },
    });
  });

  test.each([
    ['203.0.113.0', /not of the form a\.b\.c\.d\/n/],
    ['203.0.113.0/33', /prefix length must be 1 to 32/],
    ['0.0.0.0/0', /prefix length must be 1 to 32/],
    ['203.0.300.0/24', /a number is above 255/],
    ['203.0.113.7/24', /bits are set past the \/24 prefix/],
    ['2001:db8::/32', /not of the form/],
  ])('rejects %s with an error that shows the expected form', (value, problem) => {
    expect(() => synthesizeVariant({ allowedCidr: value })).toThrow(problem);
    expect(() => synthesizeVariant({ allowedCidr: value })).toThrow(/such as 203\.0\.113\.0\/24/);
  });
});

describe("the description's load balancer idle timeout", () => {
  test('becomes the idle_timeout.timeout_seconds attribute of the load balancer', () => {
    // 60 s, the sample's value, is also the load balancer's default: 45 shows the stack reads it.
    const description = changedDescription((d) => (d.container.loadBalancerIdleTimeoutSeconds = 45));
    const template = synthesizeVariant({ description });
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
      LoadBalancerAttributes: Match.arrayWith([{ Key: 'idle_timeout.timeout_seconds', Value: '45' }]),
    });
  });

  test('above the 4000 s an Application Load Balancer allows is an error', () => {
    const description = changedDescription((d) => {
      d.container.loadBalancerIdleTimeoutSeconds = 4001;
      d.container.serverIdleTimeoutSeconds = 4100;
    });
    expect(() => synthesizeVariant({ description })).toThrow(
      'container.loadBalancerIdleTimeoutSeconds is 4001; an Application Load Balancer allows at most 4000',
    );
  });
});

describe('the package folder', () => {
  const { package: pkg } = loadDescription(SAMPLE_DESCRIPTION);

  test("is the description's package.dir in the folder that holds the description, by default", () => {
    expect(new PackageFolder(pkg, '/work/blog').dir).toBe(path.join('/work/blog', 'target', 'package'));
  });

  test('is packageDir when given; a relative one is resolved against the current directory', () => {
    expect(new PackageFolder(pkg, '/work/blog', '/tmp/package').dir).toBe('/tmp/package');
    expect(new PackageFolder(pkg, '/work/blog', 'build/package').dir).toBe(path.resolve(process.cwd(), 'build', 'package'));
  });

  test('holds the zips and the image context at the paths of the description, relative to it', () => {
    const dir = writeFakePackage(path.join(testDir(), 'package-paths'), ['get-posts']);
    const folder = new PackageFolder(pkg, '/work/blog', dir);
    expect(folder.functionZipOf('get-posts')).toBe(path.join(dir, 'functions', 'get-posts.zip'));
    expect(folder.imageFolder()).toBe(path.join(dir, 'image'));
    expect(() => folder.layerZipOf('lambda-adapter')).toThrow(/the layer lambda-adapter's zip/);
  });

  test('without packageDir, the stack deploys target/package beside the description', () => {
    const workspace = path.dirname(changedDescription(() => {}));
    writeFakePackage(path.join(workspace, 'target', 'package'), sampleFunctionNames(), { layers: sampleLayerNames() });
    expect(() => synthesizeVariant({ description: path.join(workspace, 'openapi.json'), packageDir: undefined })).not.toThrow();
    fs.rmSync(path.join(workspace, 'target'), { recursive: true });
    expect(() => synthesizeVariant({ description: path.join(workspace, 'openapi.json'), packageDir: undefined })).toThrow(
      `the function get-posts's zip ${path.join(workspace, 'target', 'package', 'functions', 'get-posts.zip')}, which is not there`,
    );
  });
});

describe('a package that was not built', () => {
  test('a missing function zip is an error that names the zip and the command that builds it', () => {
    const dir = writeFakePackage(path.join(testDir(), 'package-without-get-post'), sampleFunctionNames(), {
      layers: sampleLayerNames(),
    });
    fs.rmSync(path.join(dir, 'functions', 'get-post.zip'));
    expect(() => synthesizeVariant({ packageDir: dir })).toThrow(
      `The stack needs the function get-post's zip ${path.join(dir, 'functions', 'get-post.zip')}, which is not there. ` +
        'Build the packages first with `cargo xtask package`',
    );
  });

  test("a missing layer zip is an error that names the layer's zip and the command that builds it", () => {
    const dir = writeFakePackage(path.join(testDir(), 'package-without-layer'), sampleFunctionNames());
    expect(() => synthesizeVariant({ packageDir: dir })).toThrow(
      `The stack needs the layer lambda-adapter's zip ${path.join(dir, 'layers', 'lambda-adapter.zip')}, which is not there. ` +
        'Build the packages first with `cargo xtask package`',
    );
  });

  test('a missing image folder is an error that names the command that builds it', () => {
    const dir = writeFakePackage(path.join(testDir(), 'package-without-image'), sampleFunctionNames(), {
      image: false,
      layers: sampleLayerNames(),
    });
    expect(() => synthesizeVariant({ packageDir: dir })).toThrow(
      /the container image's Dockerfile in .*package-without-image\/image, which is not there\. Build the packages first with `cargo xtask package`/,
    );
  });

  test('a description that is not there is an error that names it', () => {
    expect(() => synthesizeVariant({ description: path.join(testDir(), 'missing', 'openapi.json') })).toThrow(
      /missing\/openapi\.json does not exist/,
    );
  });
});

describe('-c containerImage', () => {
  const ecrImage = '123456789012.dkr.ecr.eu-west-1.amazonaws.com/blog-server:1';
  const repositoryArn = 'arn:aws:ecr:eu-west-1:123456789012:repository/blog-server';

  test.each([ecrImage, 'public.ecr.aws/example/blog-server:rehearsal'])(
    "runs %s, already in a registry, instead of building the package's",
    (image) => {
      const template = synthesizeVariant({ containerImage: image });
      const [task] = Object.values(template.findResources('AWS::ECS::TaskDefinition'));
      expect(task.Properties.ContainerDefinitions).toHaveLength(1);
      // The image's address, whole or joined from its parts (the URL suffix of the partition).
      const shown = JSON.stringify(task.Properties.ContainerDefinitions[0].Image);
      expect(shown).toContain('/blog-server:');
      // No image asset: nothing for a container builder to do.
      expect(JSON.stringify(template.toJSON())).not.toContain('cdk-hnb659fds-container-assets');
    },
  );

  test('from a private ECR repository, lets the execution role pull from that repository and no other', () => {
    const template = synthesizeVariant({ containerImage: ecrImage });
    const policies = Object.values(template.findResources('AWS::IAM::Policy')).filter((p) =>
      JSON.stringify(p.Properties.Roles).includes('ExecutionRole'),
    );
    const statements: any[] = policies.flatMap((p) => p.Properties.PolicyDocument.Statement);
    const ecrStatements = statements.filter((s) => [s.Action].flat().some((a: string) => a.startsWith('ecr:')));
    const pull = ecrStatements.filter((s) => ![s.Action].flat().includes('ecr:GetAuthorizationToken'));
    expect(pull).toEqual([
      {
        Action: ['ecr:BatchCheckLayerAvailability', 'ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'],
        Effect: 'Allow',
        Resource: repositoryArn,
      },
    ]);
    // The one ECR action without resource-level permissions: the login.
    expect(ecrStatements.filter((s) => [s.Action].flat().includes('ecr:GetAuthorizationToken'))).toEqual([
      { Action: 'ecr:GetAuthorizationToken', Effect: 'Allow', Resource: '*' },
    ]);
    const [task] = Object.values(template.findResources('AWS::ECS::TaskDefinition'));
    expect(JSON.stringify(task.Properties.ContainerDefinitions[0].Image)).toContain('123456789012.dkr.ecr.eu-west-1.');
    expect(JSON.stringify(task.Properties.ContainerDefinitions[0].Image)).toContain('/blog-server:1');
  });

  test.each([
    [ecrImage, { account: '123456789012', region: 'eu-west-1', repositoryName: 'blog-server', tagOrDigest: '1', partition: 'aws' }],
    [
      '123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn/team/blog-server',
      { account: '123456789012', region: 'cn-north-1', repositoryName: 'team/blog-server', tagOrDigest: 'latest', partition: 'aws-cn' },
    ],
    [
      `123456789012.dkr.ecr.us-east-1.amazonaws.com/blog-server@sha256:${'a'.repeat(64)}`,
      { account: '123456789012', region: 'us-east-1', repositoryName: 'blog-server', tagOrDigest: `sha256:${'a'.repeat(64)}`, partition: 'aws' },
    ],
  ])('reads the account, region, repository and tag of %s', (uri, parts) => {
    expect(privateEcrImage(uri)).toEqual(parts);
  });

  test.each(['public.ecr.aws/example/blog-server:1', 'docker.io/library/busybox:1'])('%s is not a private ECR image', (uri) => {
    expect(privateEcrImage(uri)).toBeUndefined();
  });

  test('a private ECR address it cannot read is an error that shows the expected form', () => {
    expect(() => synthesizeVariant({ containerImage: '1234.dkr.ecr.us-east-1.amazonaws.com/blog-server:1' })).toThrow(
      /is not of the form <account>\.dkr\.ecr\.<region>\.amazonaws\.com\/<repository>:<tag>/,
    );
  });
});

describe('-c apiGatewayLogsRole', () => {
  test('account: the stack relies on the role the account already has, and neither creates nor changes one', () => {
    const template = synthesizeVariant({ apiGatewayLogsRole: 'account' });
    template.resourceCountIs('AWS::ApiGateway::Account', 0);
    const roles = JSON.stringify(template.findResources('AWS::IAM::Role'));
    expect(roles).not.toContain('apigateway.amazonaws.com');
    template.hasResourceProperties('AWS::ApiGateway::Stage', { AccessLogSetting: Match.anyValue() });
  });

  test('anything else is an error that names both values', () => {
    expect(() => synthesizeVariant({ apiGatewayLogsRole: 'none' })).toThrow(
      /Context apiGatewayLogsRole is "none": use stack .* or account/,
    );
  });
});

/** Every variant the tests synthesize: the default, and each context value the stack reads. */
const VARIANTS: Record<string, Record<string, unknown>> = {
  default: {},
  'containerImage (ECR Public)': { containerImage: 'public.ecr.aws/example/blog-server:rehearsal' },
  'containerImage (private ECR)': { containerImage: '123456789012.dkr.ecr.eu-west-1.amazonaws.com/blog-server:1' },
  allowedCidr: { allowedCidr: '203.0.113.7/32' },
  allowedOrigin: { allowedOrigin: 'https://blog.example.com' },
  'tableRemoval retain': { tableRemoval: 'retain' },
  'apiGatewayLogsRole account': { apiGatewayLogsRole: 'account' },
};

describe.each(Object.entries(VARIANTS))('the variant %s', (_name, context) => {
  let synthesized: ReturnType<typeof synthesizeVariantStack>;
  beforeAll(() => {
    synthesized = synthesizeVariantStack(context);
  });

  test('synthesizes with no warning (a warning is a deploy that may fail: fix it, do not acknowledge it)', () => {
    const warnings = Annotations.fromStack(synthesized.stack).findWarning('*', Match.anyValue());
    expect(warnings.map((w) => `${w.id}: ${JSON.stringify(w.entry.data)}`)).toEqual([]);
  });

  test("a stage that writes access logs has API Gateway's CloudWatch role: set before it by the stack, or the account's", () => {
    const resources: Record<string, any> = synthesized.template.toJSON().Resources;
    const accounts = Object.keys(resources).filter((id) => resources[id].Type === 'AWS::ApiGateway::Account');
    for (const stage of Object.values(resources).filter((r) => r.Type === 'AWS::ApiGateway::Stage')) {
      if (!stage.Properties.AccessLogSetting) continue;
      if (context.apiGatewayLogsRole === 'account') {
        expect(accounts).toEqual([]);
      } else {
        expect(accounts).toHaveLength(1);
        expect(stage.DependsOn).toContain(accounts[0]);
      }
    }
  });
});

describe('-c allowedOrigin', () => {
  const origin = 'https://blog.example.com';
  let template: Template;
  beforeAll(() => {
    template = synthesizeVariant({ allowedOrigin: origin });
  });
  const resources = (type: string): Record<string, any>[] =>
    Object.values(template.toJSON().Resources as Record<string, any>).filter((r) => r.Type === type);

  test('reaches every function and the server through CORS_ALLOW_ORIGIN', () => {
    const functions = resources('AWS::Lambda::Function');
    expect(functions).toHaveLength(sampleFunctionNames().length);
    for (const f of functions) expect(f.Properties.Environment.Variables.CORS_ALLOW_ORIGIN).toBe(origin);
    const [task] = resources('AWS::ECS::TaskDefinition');
    expect(task.Properties.ContainerDefinitions[0].Environment).toContainEqual({ Name: 'CORS_ALLOW_ORIGIN', Value: origin });
  });

  test("is what API Gateway's own answers carry, and no * is left", () => {
    const json = JSON.stringify([...resources('AWS::ApiGateway::Method'), ...resources('AWS::ApiGateway::GatewayResponse')]);
    expect(json).toContain(`'${origin}'`);
    expect(json).not.toContain(`"'*'"`);
  });

  test('unset, nothing sets CORS_ALLOW_ORIGIN and the answers allow any origin', () => {
    const json = JSON.stringify(synthesizeVariant({}).toJSON());
    expect(json).not.toContain('CORS_ALLOW_ORIGIN');
    expect(json).toContain(`"gatewayresponse.header.access-control-allow-origin":"'*'"`);
  });

  test.each(['https://a.example.com, https://b.example.com', 'https://example.com/', 'example.com', 'https://*.example.com'])(
    'rejects %s: one origin only',
    (value) => {
      expect(() => synthesizeVariant({ allowedOrigin: value })).toThrow(/Context allowedOrigin is .*: it must be one origin/);
    },
  );
});
