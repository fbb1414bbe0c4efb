import * as fs from 'node:fs';
import * as path from 'node:path';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { loadDescription } from '../lib/description';
import { PackageFolder } from '../lib/package-folder';
import { writeFakePackage } from './support/fake-package';
import { SAMPLE_DESCRIPTION, changedDescription, sampleFunctionNames, synthesizeVariant, testDir } from './support/synth';

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
  });

  test('without packageDir, the stack deploys target/package beside the description', () => {
    const workspace = path.dirname(changedDescription(() => {}));
    writeFakePackage(path.join(workspace, 'target', 'package'), sampleFunctionNames());
    expect(() => synthesizeVariant({ description: path.join(workspace, 'openapi.json'), packageDir: undefined })).not.toThrow();
    fs.rmSync(path.join(workspace, 'target'), { recursive: true });
    expect(() => synthesizeVariant({ description: path.join(workspace, 'openapi.json'), packageDir: undefined })).toThrow(
      `the function get-posts's zip ${path.join(workspace, 'target', 'package', 'functions', 'get-posts.zip')}, which is not there`,
    );
  });
});

describe('a package that was not built', () => {
  test('a missing function zip is an error that names the zip and the command that builds it', () => {
    const dir = writeFakePackage(path.join(testDir(), 'package-without-get-post'), sampleFunctionNames());
    fs.rmSync(path.join(dir, 'functions', 'get-post.zip'));
    expect(() => synthesizeVariant({ packageDir: dir })).toThrow(
      `The stack needs the function get-post's zip ${path.join(dir, 'functions', 'get-post.zip')}, which is not there. ` +
        'Build the packages first with `cargo xtask package`',
    );
  });

  test('a missing image folder is an error that names the command that builds it', () => {
    const dir = writeFakePackage(path.join(testDir(), 'package-without-image'), sampleFunctionNames(), { image: false });
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
  test('runs an image already in a registry instead of building the package\'s', () => {
    const image = '123456789012.dkr.ecr.us-east-1.amazonaws.com/blog-server:1';
    const template = synthesizeVariant({ containerImage: image });
    template.hasResourceProperties('AWS::ECS::TaskDefinition', {
      ContainerDefinitions: [Match.objectLike({ Image: image })],
    });
    // No image asset: nothing for a container builder to do.
    const json = JSON.stringify(template.toJSON());
    expect(json).not.toContain('cdk-hnb659fds-container-assets');
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
