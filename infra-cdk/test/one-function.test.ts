import { grantsOf, sorted } from './support/iam';
import { blogDescription, getAtt, liveAlias, logicalIdAt, ref, resourceAt, resourcesOfType, resourcesUnder, templateJson } from './support/template';
import { STAGE_THROTTLING } from '../lib/blog-rest-api';

const d = blogDescription();
const tableArn = () => getAtt(logicalIdAt('ServerlessBlog/Table/Posts/Resource'), 'Arn');
const dynamodbOf = (policyPath: string) =>
  sorted(grantsOf(resourceAt(policyPath)).filter((g: { action: string }) => g.action.startsWith('dynamodb:')));

/** Chapter 10's two shapes: each is one function behind a REST API of its own. */
const shapes = [
  {
    shape: "chapter 10's one function for every route",
    one: d.oneFunction,
    construct: 'OneFunction',
    output: 'AllRoutesURL',
    outputSays: /one Lambda function for every route/,
    via: 'through the router',
    environment: {},
  },
  {
    shape: "chapter 10's container server on Lambda, through the Lambda Web Adapter",
    one: d.webAdapter,
    construct: 'WebAdapter',
    output: 'WebAdapterURL',
    outputSays: /the container's server on Lambda through the Lambda Web Adapter/,
    via: 'through the adapter to the server',
    environment: d.webAdapter.environment,
  },
];

describe.each(shapes)('$shape', ({ one, construct, output, outputSays, via, environment }) => {
  const under = `ServerlessBlog/${construct}/`;
  const functionPath = `${under}${one.name}/Function/Resource`;

  test('runs like the four: the same runtime, architecture, memory, timeout and environment, and its own settings', () => {
    expect(resourceAt(functionPath).Properties).toMatchObject({
      Runtime: d.functions.runtime,
      Architectures: [d.functions.architecture],
      Handler: d.functions.handler,
      MemorySize: d.functions.memoryMiB,
      Timeout: d.functions.timeoutSeconds,
      Description: `ANY ${one.resource} (every route, ${via})`,
      Environment: {
        Variables: {
          ...d.functions.environment,
          ...environment,
          [d.functions.tableNameVariable]: ref(logicalIdAt('ServerlessBlog/Table/Posts/Resource')),
        },
      },
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
    const functionArn = liveAlias(`${under}${one.name}`);
    expect(JSON.stringify(methods[0].Properties!.Integration.Uri)).toContain(JSON.stringify(functionArn));
  });

  test('API Gateway may invoke it from its API only, for any method on any path of its stage', () => {
    const functionArn = JSON.stringify(liveAlias(`${under}${one.name}`));
    // (The one function's URL adds two statements for anyone, through the URL: other-doors.test.ts.)
    const permissions = Object.values(resourcesOfType('AWS::Lambda::Permission')).filter(
      (p) => JSON.stringify(p.Properties!.FunctionName) === functionArn && p.Properties!.Principal !== '*',
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

  test(`its stage URL is the output ${output}, ending in /<stage>/`, () => {
    const url = templateJson().Outputs[output];
    expect(url.Description).toMatch(outputSays);
    const stageId = logicalIdAt(`${under}Api/DeploymentStage.${d.stage}/Resource`);
    expect(url.Value).toEqual({
      'Fn::Join': [
        '',
        ['https://', ref(logicalIdAt(`${under}Api/Resource`)), '.execute-api.', ref('AWS::Region'), '.', ref('AWS::URLSuffix'), '/', ref(stageId), '/'],
      ],
    });
  });
});

describe("the web adapter's layer", () => {
  const under = 'ServerlessBlog/WebAdapter/';
  const layerId = logicalIdAt(`${under}AdapterLayer/Resource`);

  test("is the package's adapter zip, for the functions' architecture and runtime, and only the web adapter's function uses it", () => {
    expect(templateJson().Resources[layerId].Properties).toMatchObject({
      CompatibleArchitectures: [d.functions.architecture],
      CompatibleRuntimes: [d.functions.runtime],
      Description: `The Lambda Web Adapter as an external extension (extensions/${d.webAdapter.layer})`,
    });
    const withLayers = Object.entries(resourcesOfType('AWS::Lambda::Function')).filter(([, f]) => f.Properties!.Layers);
    expect(withLayers.map(([id, f]) => [id, f.Properties!.Layers])).toEqual([
      [logicalIdAt(`${under}${d.webAdapter.name}/Function/Resource`), [ref(layerId)]],
    ]);
  });

  test("the adapter calls the server on the port the server listens on, and polls chapter 4's health check", () => {
    const variables = resourceAt(`${under}${d.webAdapter.name}/Function/Resource`).Properties!.Environment.Variables;
    expect(variables.AWS_LWA_PORT).toBe(String(d.container.port));
    expect(variables[d.container.portVariable]).toBe(String(d.container.port));
    expect(variables.AWS_LWA_READINESS_CHECK_PATH).toBe(d.container.healthCheckPath);
  });
});
