import { Match } from 'aws-cdk-lib/assertions';
import { STAGE_THROTTLING } from '../lib/blog-rest-api';
import { allStatements, grantsOf, sorted } from './support/iam';
import {
  blogDescription,
  blogTemplate,
  getAtt,
  liveAlias,
  logicalIdAt,
  ref,
  resourceAt,
  resourcesOfType,
  resourcesUnder,
  templateJson,
  XRAY_ENDPOINT,
} from './support/template';

const d = blogDescription();
const tableId = () => logicalIdAt('ServerlessBlog/Table/Posts/Resource');
const tableArn = () => getAtt(tableId(), 'Arn');
const indexArn = (index: string) => ({ 'Fn::Join': ['', [tableArn(), `/index/${index}`]] });
const functionPath = (name: string) => `ServerlessBlog/Functions/${name}/Function/Resource`;
const methodPath = (resource: string, method: string) => `ServerlessBlog/Functions/Api/Default${resource}/${method}/Resource`;
/** `{ 'method.response.header.<name>': "'<value>'" }` for static header values. */
const quoted = (headers: Record<string, string>) =>
  Object.fromEntries(Object.entries(headers).map(([name, value]) => [`method.response.header.${name}`, `'${value}'`]));
const declared = (headers: Record<string, string>) =>
  Object.fromEntries(Object.keys(headers).map((name) => [`method.response.header.${name}`, true]));

describe.each(d.functions.each.map((f) => [f.name, f] as const))('the function %s', (name, f) => {
  test('runs the Rust binary on the runtime, architecture, memory and timeout of the description', () => {
    expect(resourceAt(functionPath(name)).Properties).toMatchObject({
      Runtime: d.functions.runtime,
      Architectures: [d.functions.architecture],
      Handler: d.functions.handler,
      MemorySize: d.functions.memoryMiB,
      Timeout: d.functions.timeoutSeconds,
      Description: `${f.method} ${f.resource}`,
    });
  });

  test("gets the description's environment, the table's name and X-Ray's endpoint for its spans", () => {
    expect(resourceAt(functionPath(name)).Properties!.Environment).toEqual({
      Variables: {
        ...d.functions.environment,
        [d.functions.tableNameVariable]: ref(tableId()),
        [d.operating.tracing.endpointVariable]: XRAY_ENDPOINT,
      },
    });
  });

  test('logs JSON to its own log group, kept for a week', () => {
    const logsId = logicalIdAt(`ServerlessBlog/Functions/${name}/Logs/Resource`);
    expect(resourceAt(functionPath(name)).Properties!.LoggingConfig).toEqual({
      LogGroup: ref(logsId),
      LogFormat: 'JSON',
      ApplicationLogLevel: 'INFO',
      SystemLogLevel: 'INFO',
    });
    expect(templateJson().Resources[logsId].Properties).toEqual({ RetentionInDays: 7 });
  });

  test('has a role of its own with no managed policy', () => {
    const roleId = logicalIdAt(`ServerlessBlog/Functions/${name}/Role/Resource`);
    expect(resourceAt(functionPath(name)).Properties!.Role).toEqual(getAtt(roleId, 'Arn'));
    const role = templateJson().Resources[roleId];
    expect(role.Properties!.AssumeRolePolicyDocument.Statement).toEqual([
      { Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' } },
    ]);
    expect(role.Properties).not.toHaveProperty('ManagedPolicyArns');
  });

  test('may write to its log group and its traces, and do exactly its DynamoDB actions on exactly the table or index', () => {
    const logsArn = getAtt(logicalIdAt(`ServerlessBlog/Functions/${name}/Logs/Resource`), 'Arn');
    const policy = resourceAt(`ServerlessBlog/Functions/${name}/Role/DefaultPolicy/Resource`);
    expect(sorted(grantsOf(policy))).toEqual(
      sorted([
        { action: 'logs:CreateLogStream', resource: logsArn },
        { action: 'logs:PutLogEvents', resource: logsArn },
        // Active tracing (chapter 12): X-Ray's write actions take no resource narrower than *.
        { action: 'xray:PutTraceSegments', resource: '*' },
        { action: 'xray:PutTelemetryRecords', resource: '*' },
        ...f.dynamodb.map((p) => ({ action: p.action, resource: p.on === 'index' ? indexArn(p.index!) : tableArn() })),
      ]),
    );
  });

  test('is called by the REST API for its method and path only', () => {
    const methodId = logicalIdAt(methodPath(f.resource, f.method));
    // Through the alias: what the REST API invokes is the version the alias names.
    const functionArn = liveAlias(`ServerlessBlog/Functions/${name}`);
    expect(templateJson().Resources[methodId].Properties!.Integration).toEqual({
      Type: 'AWS_PROXY',
      IntegrationHttpMethod: 'POST',
      Uri: expect.anything(),
    });
    blogTemplate().hasResourceProperties('AWS::ApiGateway::Method', {
      HttpMethod: f.method,
      Integration: { Uri: { 'Fn::Join': ['', Match.arrayWith([functionArn])] } },
    });
    // (The HTTP API's permissions name that API: other-doors.test.ts.)
    const restApi = JSON.stringify(ref(logicalIdAt('ServerlessBlog/Functions/Api/Resource')));
    const permissions = Object.values(resourcesOfType('AWS::Lambda::Permission')).filter(
      (p) =>
        JSON.stringify(p.Properties!.FunctionName) === JSON.stringify(functionArn) &&
        JSON.stringify(p.Properties!.SourceArn).includes(restApi),
    );
    expect(permissions).toHaveLength(1);
    expect(permissions[0].Properties).toMatchObject({ Action: 'lambda:InvokeFunction', Principal: 'apigateway.amazonaws.com' });
    // The source ARN ends in /<stage>/<METHOD><path>, e.g. /Prod/GET/blog/*
    const sourceArn = JSON.stringify(permissions[0].Properties!.SourceArn);
    expect(sourceArn).toContain(`/${f.method}${f.resource.replace('{id}', '*')}"`);
  });
});

describe('the functions', () => {
  test("are four, one per endpoint of the description, and chapter 11's export", () => {
    expect(resourcesUnder('ServerlessBlog/Functions/', 'AWS::Lambda::Function')).toHaveLength(d.functions.each.length + 1);
  });

  test('time out above the DynamoDB client 12 s bound and below API Gateway 29 s integration timeout', () => {
    expect(d.functions.timeoutSeconds).toBeGreaterThan(12);
    expect(d.functions.timeoutSeconds).toBeLessThan(29);
  });

  test('no policy anywhere grants a DynamoDB wildcard, on actions or on resources', () => {
    const dynamoStatements = allStatements().filter((s) => [s.Action].flat().some((a: string) => a.startsWith('dynamodb:')));
    expect(dynamoStatements.length).toBeGreaterThan(0);
    for (const statement of dynamoStatements) {
      for (const action of [statement.Action].flat()) expect(action).toMatch(/^dynamodb:[A-Za-z]+$/);
      expect(JSON.stringify(statement.Resource)).not.toContain('*');
    }
    for (const role of Object.values(resourcesOfType('AWS::IAM::Role'))) {
      expect(JSON.stringify(role.Properties?.ManagedPolicyArns ?? [])).not.toMatch(/DynamoDB/i);
    }
  });
});

describe('the REST API', () => {
  test('is one regional API with the stage of the description, throttled and access-logged', () => {
    const apis = resourcesUnder('ServerlessBlog/Functions/', 'AWS::ApiGateway::RestApi');
    expect(apis.map((api) => api.Properties!.EndpointConfiguration)).toEqual([{ Types: ['REGIONAL'] }]);
    const accessLogs = logicalIdAt('ServerlessBlog/Functions/AccessLogs/Resource');
    expect(templateJson().Resources[accessLogs].Properties).toEqual({ RetentionInDays: 7 });
    blogTemplate().hasResourceProperties('AWS::ApiGateway::Stage', {
      StageName: d.stage,
      MethodSettings: [
        Match.objectLike({
          HttpMethod: '*',
          ResourcePath: '/*',
          ThrottlingRateLimit: STAGE_THROTTLING.rateLimit,
          ThrottlingBurstLimit: STAGE_THROTTLING.burstLimit,
        }),
      ],
      AccessLogSetting: {
        DestinationArn: { 'Fn::Join': ['', Match.arrayWith([ref(accessLogs)])] },
        Format: Match.stringLikeRegexp('requestId'),
      },
    });
  });

  test('answers on each path exactly the methods of its functions, OPTIONS and ANY', () => {
    for (const resource of d.resources) {
      const prefix = `ServerlessBlog/Functions/Api/Default${resource.path}/`;
      const methods = Object.values(resourcesOfType('AWS::ApiGateway::Method'))
        .map((m) => m.Metadata!['aws:cdk:path'] as string)
        .filter((p) => p.startsWith(prefix) && /^[A-Z]+\/Resource$/.test(p.slice(prefix.length)))
        .map((p) => p.slice(prefix.length).split('/')[0]);
      const expected = [...d.functions.each.filter((f) => f.resource === resource.path).map((f) => f.method), 'OPTIONS', 'ANY'];
      expect(methods.sort()).toEqual(expected.sort());
    }
    // And chapter 11's export, one method on its own resource.
    expect(resourcesUnder('ServerlessBlog/Functions/', 'AWS::ApiGateway::Method')).toHaveLength(
      d.functions.each.length + 2 * d.resources.length + 1,
    );
  });

  test.each(d.resources.map((r) => [r.path, r] as const))(
    'OPTIONS %s is a mock that answers 204 with the CORS headers and no body',
    (path) => {
      const headers = { ...d.headers.everyResponse, ...d.headers.preflight };
      expect(resourceAt(methodPath(path, 'OPTIONS')).Properties).toMatchObject({
        AuthorizationType: 'NONE',
        Integration: {
          Type: 'MOCK',
          RequestTemplates: { 'application/json': '{"statusCode": 204}' },
          PassthroughBehavior: 'NEVER',
          IntegrationResponses: [{ StatusCode: '204', ResponseParameters: quoted(headers) }],
        },
        MethodResponses: [{ StatusCode: '204', ResponseParameters: declared(headers) }],
      });
      const [response] = resourceAt(methodPath(path, 'OPTIONS')).Properties!.Integration.IntegrationResponses;
      expect(response).not.toHaveProperty('ResponseTemplates');
      expect(Object.keys(response.ResponseParameters)).toHaveLength(Object.keys(headers).length);
    },
  );

  test.each(d.resources.map((r) => [r.path, r] as const))(
    'any other method on %s is a mock that answers 405 with Allow and the JSON error',
    (path, resource) => {
      const headers = { ...d.headers.everyResponse, ...d.headers.json, allow: resource.allow };
      const properties = resourceAt(methodPath(path, 'ANY')).Properties!;
      expect(properties).toMatchObject({
        Integration: {
          Type: 'MOCK',
          RequestTemplates: { 'application/json': '{"statusCode": 405}' },
          PassthroughBehavior: 'NEVER',
          IntegrationResponses: [
            {
              StatusCode: '405',
              ResponseParameters: quoted(headers),
              ResponseTemplates: { 'application/json': resource.methodNotAllowedBody },
            },
          ],
        },
        MethodResponses: [{ StatusCode: '405', ResponseParameters: declared(headers) }],
      });
      expect(Object.keys(properties.Integration.IntegrationResponses[0].ResponseParameters)).toHaveLength(
        Object.keys(headers).length,
      );
      // API Gateway replaces $context.httpMethod; the rest is the JSON error of the HTTP contract.
      const template: string = properties.Integration.IntegrationResponses[0].ResponseTemplates['application/json'];
      expect(JSON.parse(template.replaceAll('$context.httpMethod', 'PUT'))).toEqual({
        code: 'method_not_allowed',
        message: `method PUT is not allowed here; use ${resource.allow}`,
      });
    },
  );

  test.each(['DEFAULT_4XX', 'DEFAULT_5XX'])("API Gateway's own %s answers carry the CORS headers", (type) => {
    blogTemplate().hasResourceProperties('AWS::ApiGateway::GatewayResponse', {
      ResponseType: type,
      ResponseParameters: Object.fromEntries(
        Object.entries(d.headers.everyResponse).map(([name, value]) => [`gatewayresponse.header.${name}`, `'${value}'`]),
      ),
    });
  });

  test("a body that is not JSON, sent to a mock, gets the contract's 415 from API Gateway, with the CORS headers", () => {
    // PassthroughBehavior NEVER refuses a content type no request template maps, with this response.
    const response = Object.values(resourcesOfType('AWS::ApiGateway::GatewayResponse')).find(
      (r) => r.Properties!.ResponseType === 'UNSUPPORTED_MEDIA_TYPE',
    );
    expect(response?.Properties).toMatchObject({
      StatusCode: '415',
      ResponseParameters: Object.fromEntries(
        Object.entries({ ...d.headers.everyResponse, ...d.headers.json }).map(([name, value]) => [
          `gatewayresponse.header.${name}`,
          `'${value}'`,
        ]),
      ),
      ResponseTemplates: { 'application/json': d.unsupportedMediaTypeBody },
    });
    expect(JSON.parse(d.unsupportedMediaTypeBody)).toEqual({
      code: 'unsupported_media_type',
      message: 'Content-Type must be application/json',
    });
  });

  test('has no resource policy when no allowedCidr is given', () => {
    blogTemplate().hasResourceProperties('AWS::ApiGateway::RestApi', { Policy: Match.absent() });
  });

  test('its stage URL is the output FunctionsURL, ending in /<stage>/', () => {
    const apiId = logicalIdAt('ServerlessBlog/Functions/Api/Resource');
    const stageId = logicalIdAt(`ServerlessBlog/Functions/Api/DeploymentStage.${d.stage}/Resource`);
    const output = templateJson().Outputs.FunctionsURL;
    expect(output.Description).toMatch(/Lambda functions/);
    expect(output.Value).toEqual({
      'Fn::Join': [
        '',
        ['https://', ref(apiId), '.execute-api.', ref('AWS::Region'), '.', ref('AWS::URLSuffix'), '/', ref(stageId), '/'],
      ],
    });
  });
});

describe("API Gateway's CloudWatch role, which a stage with access logs needs", () => {
  const roleId = () => logicalIdAt('ServerlessBlog/Functions/Api/CloudWatchRole/Resource');
  const accountId = () => logicalIdAt('ServerlessBlog/Functions/Api/Account');
  const stageId = () => logicalIdAt(`ServerlessBlog/Functions/Api/DeploymentStage.${d.stage}/Resource`);

  test('is set for the region by the stack (the default), before the stage is created', () => {
    expect(resourceAt('ServerlessBlog/Functions/Api/Account').Properties).toEqual({ CloudWatchRoleArn: getAtt(roleId(), 'Arn') });
    expect(templateJson().Resources[stageId()].DependsOn).toContain(accountId());
  });

  test("is a role API Gateway assumes, with AWS's managed policy for pushing logs", () => {
    const role = resourceAt('ServerlessBlog/Functions/Api/CloudWatchRole/Resource');
    expect(role.Properties!.AssumeRolePolicyDocument.Statement).toEqual([
      { Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'apigateway.amazonaws.com' } },
    ]);
    expect(role.Properties!.ManagedPolicyArns).toEqual([
      {
        'Fn::Join': ['', ['arn:', ref('AWS::Partition'), ':iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs']],
      },
    ]);
  });

  test('stays, role and setting, when the stack is deleted: other APIs of the region may log through it', () => {
    for (const id of [roleId(), accountId()]) {
      expect(templateJson().Resources[id]).toMatchObject({ DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
    }
  });
});
