import { grantsOf, sorted } from './support/iam';
import { blogDescription, getAtt, logicalIdAt, ref, resourceAt, resourcesOfType, resourcesUnder, templateJson } from './support/template';
import { STAGE_THROTTLING } from '../lib/blog-rest-api';

const d = blogDescription();
const one = d.oneFunction;
const under = 'ServerlessBlog/OneFunction/';
const functionPath = `${under}${one.name}/Function/Resource`;
const tableArn = () => getAtt(logicalIdAt('ServerlessBlog/Table/Posts/Resource'), 'Arn');
const dynamodbOf = (policyPath: string) =>
  sorted(grantsOf(resourceAt(policyPath)).filter((g: { action: string }) => g.action.startsWith('dynamodb:')));

describe("chapter 10's one function for every route", () => {
  test('runs like the four: the same runtime, architecture, memory, timeout and environment', () => {
    expect(resourceAt(functionPath).Properties).toMatchObject({
      Runtime: d.functions.runtime,
      Architectures: [d.functions.architecture],
      Handler: d.functions.handler,
      MemorySize: d.functions.memoryMiB,
      Timeout: d.functions.timeoutSeconds,
      Description: `ANY ${one.resource} (every route, through the router)`,
      Environment: { Variables: { ...d.functions.environment, [d.functions.tableNameVariable]: ref(logicalIdAt('ServerlessBlog/Table/Posts/Resource')) } },
      LoggingConfig: { LogGroup: ref(logicalIdAt(`${under}${one.name}/Logs/Resource`)) },
    });
  });

  test('may write to its log group and make every call any of the four functions makes, on exactly the table or index', () => {
    const logsArn = getAtt(logicalIdAt(`${under}${one.name}/Logs/Resource`), 'Arn');
    const policy = `${under}${one.name}/Role/DefaultPolicy/Resource`;
    expect(sorted(grantsOf(resourceAt(policy)).filter((g: { action: string }) => g.action.startsWith('logs:')))).toEqual(
      sorted([
        { action: 'logs:CreateLogStream', resource: logsArn },
        { action: 'logs:PutLogEvents', resource: logsArn },
      ]),
    );
    const everyFunctions = sorted(
      d.functions.each.flatMap((f) => dynamodbOf(`ServerlessBlog/Functions/${f.name}/Role/DefaultPolicy/Resource`)),
    ).filter((g, i, all) => i === 0 || JSON.stringify(g) !== JSON.stringify(all[i - 1]));
    expect(dynamodbOf(policy)).toEqual(everyFunctions);
    // The same calls the server makes: both run chapter 4's router.
    expect(dynamodbOf(policy)).toEqual(dynamodbOf('ServerlessBlog/Containers/TaskDefinition/TaskRole/DefaultPolicy/Resource'));
    expect(JSON.stringify(dynamodbOf(policy))).toContain(JSON.stringify(tableArn()));
  });

  test('is reached through one resource, {proxy+}, whose one method ANY is a Lambda proxy integration: no mock, OPTIONS too', () => {
    const resources = resourcesUnder(under, 'AWS::ApiGateway::Resource');
    expect(resources.map((r) => r.Properties!.PathPart)).toEqual([one.resource.slice(1)]);
    const methods = resourcesUnder(under, 'AWS::ApiGateway::Method');
    expect(methods).toHaveLength(1);
    expect(methods[0].Properties).toMatchObject({
      HttpMethod: 'ANY',
      AuthorizationType: 'NONE',
      Integration: { Type: 'AWS_PROXY', IntegrationHttpMethod: 'POST' },
    });
    const functionArn = getAtt(logicalIdAt(functionPath), 'Arn');
    expect(JSON.stringify(methods[0].Properties!.Integration.Uri)).toContain(JSON.stringify(functionArn));
  });

  test('may be invoked by its API only, for any method on any path of its stage', () => {
    const functionArn = JSON.stringify(getAtt(logicalIdAt(functionPath), 'Arn'));
    const permissions = Object.values(resourcesOfType('AWS::Lambda::Permission')).filter(
      (p) => JSON.stringify(p.Properties!.FunctionName) === functionArn,
    );
    expect(permissions).toHaveLength(1);
    expect(permissions[0].Properties).toMatchObject({ Action: 'lambda:InvokeFunction', Principal: 'apigateway.amazonaws.com' });
    const sourceArn = JSON.stringify(permissions[0].Properties!.SourceArn);
    expect(sourceArn).toContain(ref(logicalIdAt(`${under}Api/Resource`)).Ref);
    expect(sourceArn).toContain('/*/*"');
  });

  test("its stage is throttled and access-logged like the functions' stage, and waits for the region's CloudWatch role", () => {
    const stages = Object.entries(resourcesOfType('AWS::ApiGateway::Stage')).filter(([, s]) =>
      (s.Metadata!['aws:cdk:path'] as string).startsWith(under),
    );
    expect(stages).toHaveLength(1);
    const [, stage] = stages[0];
    const accessLogs = logicalIdAt(`${under}AccessLogs/Resource`);
    expect(templateJson().Resources[accessLogs].Properties).toEqual({ RetentionInDays: 7 });
    expect(stage.Properties).toMatchObject({
      StageName: d.stage,
      MethodSettings: [
        expect.objectContaining({ ThrottlingRateLimit: STAGE_THROTTLING.rateLimit, ThrottlingBurstLimit: STAGE_THROTTLING.burstLimit }),
      ],
      AccessLogSetting: { DestinationArn: expect.objectContaining({ 'Fn::Join': ['', expect.arrayContaining([ref(accessLogs)])] }) },
    });
    // The stack sets the role once, under Functions; this stage is created after it.
    expect(resourcesUnder(under, 'AWS::ApiGateway::Account')).toEqual([]);
    expect(stage.DependsOn).toContain(logicalIdAt('ServerlessBlog/Functions/Api/Account'));
    expect(resourcesUnder(under, 'AWS::ApiGateway::RestApi').map((api) => api.Properties!.EndpointConfiguration)).toEqual([
      { Types: ['REGIONAL'] },
    ]);
  });

  test.each(['DEFAULT_4XX', 'DEFAULT_5XX'])("API Gateway's own %s answers carry the CORS headers", (type) => {
    const responses = resourcesUnder(under, 'AWS::ApiGateway::GatewayResponse').filter((r) => r.Properties!.ResponseType === type);
    expect(responses.map((r) => r.Properties!.ResponseParameters)).toEqual([
      Object.fromEntries(Object.entries(d.headers.everyResponse).map(([name, value]) => [`gatewayresponse.header.${name}`, `'${value}'`])),
    ]);
  });

  test('its stage URL is the output AllRoutesURL, ending in /<stage>/', () => {
    const output = templateJson().Outputs.AllRoutesURL;
    expect(output.Description).toMatch(/one Lambda function for every route/);
    const stageId = logicalIdAt(`${under}Api/DeploymentStage.${d.stage}/Resource`);
    expect(output.Value).toEqual({
      'Fn::Join': [
        '',
        ['https://', ref(logicalIdAt(`${under}Api/Resource`)), '.execute-api.', ref('AWS::Region'), '.', ref('AWS::URLSuffix'), '/', ref(stageId), '/'],
      ],
    });
  });
});
