import * as fs from 'node:fs';
import * as path from 'node:path';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { blogApp, fakePackageDir, SAMPLE_DESCRIPTION, testDir } from './support/synth';
import { templateJson, templatePath } from './support/template';

/**
 * Every cdk-nag finding the stack keeps on purpose, by the resource it is acknowledged on. The
 * reasons are in lib/; this list makes a new acknowledgment a visible change of the tests.
 */
const ACKNOWLEDGED: Record<string, string[]> = {
  'Functions/Api/Resource': ['AwsSolutions-APIG2'],
  // The HTTP API's routes: public like the REST API's methods (an HTTP API has no Cognito check).
  'Functions/HttpApi/Api/GET--blog/Resource': ['AwsSolutions-APIG4'],
  'Functions/HttpApi/Api/POST--blog/Resource': ['AwsSolutions-APIG4'],
  'Functions/HttpApi/Api/ANY--blog/Resource': ['AwsSolutions-APIG4'],
  'Functions/HttpApi/Api/GET--blog--{id}/Resource': ['AwsSolutions-APIG4'],
  'Functions/HttpApi/Api/DELETE--blog--{id}/Resource': ['AwsSolutions-APIG4'],
  'Functions/HttpApi/Api/ANY--blog--{id}/Resource': ['AwsSolutions-APIG4'],
  'Functions/Api/CloudWatchRole/Resource': [
    'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
  ],
  'Functions/Api/DeploymentStage.Prod/Resource': ['AwsSolutions-APIG3', 'AwsSolutions-APIG6'],
  'Functions/Api/Default/blog/GET/Resource': ['AwsSolutions-APIG4', 'AwsSolutions-COG4'],
  'Functions/Api/Default/blog/POST/Resource': ['AwsSolutions-APIG4', 'AwsSolutions-COG4'],
  'Functions/Api/Default/blog/OPTIONS/Resource': ['AwsSolutions-APIG4', 'AwsSolutions-COG4'],
  'Functions/Api/Default/blog/ANY/Resource': ['AwsSolutions-APIG4', 'AwsSolutions-COG4'],
  'Functions/Api/Default/blog/{id}/GET/Resource': ['AwsSolutions-APIG4', 'AwsSolutions-COG4'],
  'Functions/Api/Default/blog/{id}/DELETE/Resource': ['AwsSolutions-APIG4', 'AwsSolutions-COG4'],
  'Functions/Api/Default/blog/{id}/OPTIONS/Resource': ['AwsSolutions-APIG4', 'AwsSolutions-COG4'],
  'Functions/Api/Default/blog/{id}/ANY/Resource': ['AwsSolutions-APIG4', 'AwsSolutions-COG4'],
  'Functions/Api/Default/export/ANY/Resource': ['AwsSolutions-APIG4', 'AwsSolutions-COG4'],
  'OneFunction/Api/Resource': ['AwsSolutions-APIG2'],
  'OneFunction/Api/DeploymentStage.Prod/Resource': ['AwsSolutions-APIG3', 'AwsSolutions-APIG6'],
  'OneFunction/Api/Default/{proxy+}/ANY/Resource': ['AwsSolutions-APIG4', 'AwsSolutions-COG4'],
  'WebAdapter/Api/Resource': ['AwsSolutions-APIG2'],
  'WebAdapter/Api/DeploymentStage.Prod/Resource': ['AwsSolutions-APIG3', 'AwsSolutions-APIG6'],
  'WebAdapter/Api/Default/{proxy+}/ANY/Resource': ['AwsSolutions-APIG4', 'AwsSolutions-COG4'],
  // Lambda's active tracing: X-Ray's write actions have no resource-level permissions.
  ...Object.fromEntries(
    ['Functions/get-posts', 'Functions/create-post', 'Functions/get-post', 'Functions/delete-post', 'Functions/export-posts', 'OneFunction/all-routes', 'WebAdapter/web-adapter'].map(
      (f) => [`${f}/Role/DefaultPolicy/Resource`, ['AwsSolutions-IAM5[Resource::*]']],
    ),
  ),
  'Containers/Vpc/Resource': ['AwsSolutions-VPC7'],
  'Containers/Cluster/Resource': ['AwsSolutions-ECS4'],
  'Containers/TaskDefinition/Resource': ['AwsSolutions-ECS2'],
  'Containers/TaskDefinition/ExecutionRole/DefaultPolicy/Resource': ['AwsSolutions-IAM5[Resource::*]'],
  'Containers/TaskDefinition/TaskRole/DefaultPolicy/Resource': ['AwsSolutions-IAM5[Resource::*]'],
  'Containers/Service/LB/Resource': ['AwsSolutions-ELB2'],
  'Containers/Service/LB/SecurityGroup/Resource': ['AwsSolutions-EC23'],
};

/** The acknowledgments recorded in the cloud assembly beside the template: path -> rule id -> reason. */
function acknowledgments(): Map<string, Map<string, string>> {
  const metadataFile = templatePath().replace(/\.template\.json$/, '.metadata.json');
  const metadata: Record<string, { type: string; data: Record<string, string> }[]> = JSON.parse(
    fs.readFileSync(metadataFile, 'utf8'),
  );
  const found = new Map<string, Map<string, string>>();
  for (const [constructPath, entries] of Object.entries(metadata)) {
    for (const entry of entries.filter((e) => e.type === 'aws:cdk:acknowledged-rules')) {
      for (const [id, reason] of Object.entries(entry.data)) {
        if (!found.has(constructPath)) found.set(constructPath, new Map());
        found.get(constructPath)!.set(id.replace(/^annotation::/i, ''), reason);
      }
    }
  }
  return found;
}

describe('cdk-nag', () => {
  test('every finding is acknowledged on the one resource it is about, with a reason', () => {
    const awsSolutions: Record<string, string[]> = {};
    for (const [constructPath, rules] of acknowledgments()) {
      for (const [id, reason] of rules) {
        if (!id.startsWith('AwsSolutions-')) continue;
        expect(reason.length).toBeGreaterThan(40);
        (awsSolutions[constructPath.replace(/^\/ServerlessBlog\//, '')] ??= []).push(id);
      }
    }
    for (const ids of Object.values(awsSolutions)) ids.sort();
    expect(awsSolutions).toEqual(ACKNOWLEDGED);
  });

  test('nothing is acknowledged on the app, the stack or a whole variant', () => {
    for (const [constructPath, rules] of acknowledgments()) {
      const wholes = ['', '/Table', '/Functions', '/Containers', '/OneFunction', '/WebAdapter'].map((part) => `/ServerlessBlog${part}`);
      if (wholes.includes(constructPath)) {
        // aws-cdk-lib itself acknowledges its own template check for the AZ list on the stack.
        expect([...rules.keys()]).toEqual(['CloudFormation-Validate::W3010']);
      }
    }
  });

  test('a finding that is not acknowledged fails synthesis', () => {
    const outdir = fs.mkdtempSync(path.join(testDir(), 'unacknowledged-'));
    const { app, stack } = blogApp({ description: SAMPLE_DESCRIPTION, packageDir: fakePackageDir() }, outdir);
    // A queue with neither a dead-letter queue nor SSL enforced: AwsSolutions-SQS3 and SQS4.
    new sqs.Queue(stack.containers, 'Unacknowledged');
    expect(() => app.synth()).toThrow(/AwsSolutions-SQS3/);
  });
});

describe('the template', () => {
  test('holds every resource under Table, Functions, Containers, OneFunction, WebAdapter or Operations (and the CDK metadata)', () => {
    const counts: Record<string, number> = {};
    for (const resource of Object.values(templateJson().Resources)) {
      const top = (resource.Metadata?.['aws:cdk:path'] as string).split('/')[1];
      counts[top] = (counts[top] ?? 0) + 1;
    }
    expect(Object.keys(counts).sort()).toEqual(['CDKMetadata', 'Containers', 'Functions', 'OneFunction', 'Operations', 'Table', 'WebAdapter']);
    expect(counts.Table).toBe(1);
    expect(counts.CDKMetadata).toBe(1);
  });

  test('has exactly the seven URLs the deploy step reads (four without the other doors, under -c allowedCidr), and the dashboard and alarm topic', () => {
    expect(Object.keys(templateJson().Outputs).sort()).toEqual([
      'AlarmTopic',
      'AllRoutesFunctionURL',
      'AllRoutesURL',
      'ContainersURL',
      'DashboardName',
      'ExportFunctionURL',
      'FunctionsURL',
      'HttpApiURL',
      'WebAdapterURL',
    ]);
  });
});
