import { blogDescription, logicalIdAt, resourceAt, resourcesOfType, resourcesUnder, templateJson, XRAY_ENDPOINT } from './support/template';
import { changedDescription, synthesizeVariant } from './support/synth';

const d = blogDescription();
const operating = d.operating;
const alarmAt = (id: string) => resourceAt(`ServerlessBlog/Operations/${id}/Resource`).Properties!;
const text = (value: unknown) => JSON.stringify(value);

/** The metrics an alarm reads: its own metric, or every metric of its math expression. */
function metricsOf(alarm: any): { namespace: string; name: string; stat: string; period: number }[] {
  if (alarm.MetricName) {
    return [{ namespace: alarm.Namespace, name: alarm.MetricName, stat: alarm.ExtendedStatistic ?? alarm.Statistic, period: alarm.Period }];
  }
  return alarm.Metrics.filter((m: any) => m.MetricStat).map((m: any) => ({
    namespace: m.MetricStat.Metric.Namespace,
    name: m.MetricStat.Metric.MetricName,
    stat: m.MetricStat.Stat,
    period: m.MetricStat.Period,
  }));
}

/** What each signal reads, as AWS names it. */
const SIGNAL_METRICS: Record<string, [string, string[]]> = {
  gatewayErrorRate: ['AWS/ApiGateway', ['5XXError']],
  gatewayLatency: ['AWS/ApiGateway', ['Latency']],
  functionErrors: ['AWS/Lambda', Array(5).fill('Errors')],
  functionThrottles: ['AWS/Lambda', Array(5).fill('Throttles')],
  initDuration: [operating.initDurationMetric.namespace, [operating.initDurationMetric.metricName]],
  loadBalancerErrorRate: ['AWS/ApplicationELB', ['HTTPCode_Target_5XX_Count', 'HTTPCode_ELB_5XX_Count', 'RequestCount']],
  targetResponseTime: ['AWS/ApplicationELB', ['TargetResponseTime']],
  healthyTasks: ['AWS/ApplicationELB', ['HealthyHostCount']],
  taskCpu: ['AWS/ECS', ['CPUUtilization']],
  taskMemory: ['AWS/ECS', ['MemoryUtilization']],
  // The table's, and each index's by its own dimension.
  tableThrottles: [
    'AWS/DynamoDB',
    ['ReadThrottleEvents', 'WriteThrottleEvents'].flatMap((name) => Array(1 + d.table.indexes.length).fill(name)),
  ],
};

describe("chapter 12's alarms", () => {
  test('the stack has exactly the alarms the description lists', () => {
    const ids = Object.values(resourcesOfType('AWS::CloudWatch::Alarm')).map((a) => a.Metadata!['aws:cdk:path']);
    expect(ids.sort()).toEqual(operating.alarms.map((a) => `ServerlessBlog/Operations/${a.id}/Resource`).sort());
  });

  test.each(operating.alarms.map((a) => [a.id, a] as const))('%s reads its metric, with its threshold and periods', (_, a) => {
    const alarm = alarmAt(a.id);
    const [namespace, names] = SIGNAL_METRICS[a.signal];
    const metrics = metricsOf(alarm);
    expect(metrics.map((m) => m.name).sort()).toEqual([...names].sort());
    for (const m of metrics) {
      expect(m.namespace).toBe(namespace);
      expect(m.period).toBe(a.periodSeconds);
    }
    if (alarm.MetricName) expect(metrics[0].stat).toBe(a.statistic);
    expect(alarm.Threshold).toBe(a.threshold);
    expect(alarm.ComparisonOperator).toBe(a.comparison);
    expect(alarm.EvaluationPeriods).toBe(a.evaluationPeriods);
    expect(alarm.DatapointsToAlarm).toBe(a.datapointsToAlarm);
    expect(alarm.TreatMissingData).toBe(a.missingDataIsFine ? 'notBreaching' : 'breaching');
    expect(alarm.AlarmDescription).toBe(a.means);
  });

  test("the functions' alarms watch the REST API and every function of the variant, not chapter 10's", () => {
    const api = logicalIdAt('ServerlessBlog/Functions/Api/Resource');
    const apiName = resourceAt('ServerlessBlog/Functions/Api/Resource').Properties!.Name;
    expect(text(alarmAt('FunctionsErrorRate').Dimensions)).toContain(apiName);
    const errors = text(alarmAt('FunctionsErrors').Metrics);
    for (const name of [...d.functions.each.map((f) => f.name), d.export.name]) {
      expect(errors).toContain(logicalIdAt(`ServerlessBlog/Functions/${name}/Function/Resource`));
    }
    expect(errors).not.toContain('OneFunction');
    expect(api).toBeDefined();
  });

  test("the containers' alarms watch the service's load balancer, target group and service", () => {
    expect(text(alarmAt('ContainersNoHealthyTask').Dimensions)).toContain(logicalIdAt('ServerlessBlog/Containers/Service/LB/PublicListener/ECSGroup/Resource'));
    expect(text(alarmAt('ContainersCpu').Dimensions)).toContain(logicalIdAt('ServerlessBlog/Containers/Service/Service/Service'));
    expect(text(alarmAt('ContainersErrorRate').Metrics)).toContain(logicalIdAt('ServerlessBlog/Containers/Service/LB/Resource'));
  });

  test("a rate is 5xx / requests, counting the load balancer's own answers in both; a sum of several metrics treats a missing one as 0", () => {
    const rate = alarmAt('ContainersErrorRate').Metrics.find((m: any) => m.Expression);
    expect(rate.Expression).toBe('(FILL(target5xx, 0) + FILL(elb5xx, 0)) / (FILL(requests, 0) + FILL(elb5xx, 0))');
    const throttles = alarmAt('TableThrottles').Metrics.find((m: any) => m.Expression);
    expect(throttles.Expression).toBe('FILL(m0, 0) + FILL(m1, 0) + FILL(m2, 0) + FILL(m3, 0)');
    // Each index's throttles by its own dimension: TableName alone leaves them out.
    const indexed = alarmAt('TableThrottles')
      .Metrics.filter((m: any) => m.MetricStat)
      .filter((m: any) => m.MetricStat.Metric.Dimensions.some((x: any) => x.Name === 'GlobalSecondaryIndexName'));
    expect(indexed.map((m: any) => m.MetricStat.Metric.Dimensions.find((x: any) => x.Name === 'GlobalSecondaryIndexName').Value)).toEqual(
      Array(2).fill(d.table.indexes[0].name),
    );
  });

  test('every alarm tells the one topic when it fires and when it clears; the topic takes only TLS', () => {
    const topic = logicalIdAt('ServerlessBlog/Operations/Alarms/Resource');
    for (const a of operating.alarms) {
      expect(alarmAt(a.id).AlarmActions).toEqual([{ Ref: topic }]);
      expect(alarmAt(a.id).OKActions).toEqual([{ Ref: topic }]);
    }
    const policy = text(resourceAt('ServerlessBlog/Operations/Alarms/Policy/Resource').Properties);
    expect(policy).toContain('aws:SecureTransport');
    expect(resourcesOfType('AWS::SNS::Subscription')).toEqual({});
  });

  test('an e-mail address subscribes to the topic; anything else is refused', () => {
    const template = synthesizeVariant({ alarmEmail: 'oncall@example.com' });
    template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'oncall@example.com' });
    expect(() => synthesizeVariant({ alarmEmail: 'oncall' })).toThrow(/alarmEmail is "oncall": expected an e-mail address/);
  });
});

describe("chapter 12's logs", () => {
  test("every function logs JSON at the description's levels", () => {
    const functions = Object.values(resourcesOfType('AWS::Lambda::Function')).filter((f) => f.Properties!.Runtime === d.functions.runtime);
    expect(functions.length).toBeGreaterThanOrEqual(7);
    for (const fn of functions) {
      expect(fn.Properties!.LoggingConfig).toMatchObject({
        LogFormat: operating.functionLogging.format,
        ApplicationLogLevel: operating.functionLogging.applicationLevel,
        SystemLogLevel: operating.functionLogging.systemLevel,
      });
    }
  });

  test("a metric filter on each of the functions variant's log groups publishes a cold start's init", () => {
    const filters = resourcesUnder('ServerlessBlog/Functions/', 'AWS::Logs::MetricFilter');
    expect(filters).toHaveLength(d.functions.each.length + 1);
    for (const filter of filters) {
      const p = filter.Properties!;
      expect(p.FilterPattern).toBe(operating.initDurationMetric.filterPattern);
      expect(p.MetricTransformations).toEqual([
        {
          MetricNamespace: operating.initDurationMetric.namespace,
          MetricName: operating.initDurationMetric.metricName,
          MetricValue: operating.initDurationMetric.metricValue,
          Unit: operating.initDurationMetric.unit,
        },
      ]);
    }
  });

  test('each saved query runs on the log groups the description names', () => {
    const saved = Object.values(resourcesOfType('AWS::Logs::QueryDefinition')).map((q) => q.Properties!);
    expect(saved.map((q) => q.Name).sort()).toEqual(operating.queries.map((q) => q.name).sort());
    const functionGroups = [...d.functions.each.map((f) => f.name), d.export.name].map((name) =>
      logicalIdAt(`ServerlessBlog/Functions/${name}/Logs/Resource`),
    );
    const containerGroup = logicalIdAt('ServerlessBlog/Containers/Logs/Resource');
    for (const q of operating.queries) {
      const found = saved.find((s) => s.Name === q.name)!;
      expect(found.QueryString).toBe(q.query);
      const groups = found.LogGroupNames.map((g: any) => g.Ref);
      const expected = q.logGroups.flatMap((w) => (w === 'functions' ? functionGroups : [containerGroup]));
      expect(groups.sort()).toEqual(expected.sort());
    }
  });
});

describe("chapter 12's dashboard", () => {
  test("shows each alarm's metric with its threshold, and every alarm's state", () => {
    const body = text(resourceAt('ServerlessBlog/Operations/Dashboard/Resource').Properties!.DashboardBody);
    for (const a of operating.alarms) {
      expect(body).toContain(`\\"title\\":\\"${a.id}\\"`);
    }
    expect(body).toContain('\\"type\\":\\"alarm\\"');
    expect(templateJson().Outputs.DashboardName).toBeDefined();
  });
});

describe("chapter 12's versions and alias", () => {
  const resources = () => templateJson().Resources;
  const ofType = (type: string) => Object.entries(resourcesOfType(type));
  const aliases = () => ofType('AWS::Lambda::Alias');
  const isAlias = (value: any) => Object.keys(value ?? {}).length === 1 && resources()[value.Ref]?.Type === 'AWS::Lambda::Alias';

  test(`every function has one alias, ${operating.functionAlias.name}, on a version of that function, which a deploy that replaces it keeps`, () => {
    const functions = ofType('AWS::Lambda::Function').filter(([, f]) => f.Metadata?.['aws:cdk:path'].endsWith('/Function/Resource'));
    expect(functions.length).toBeGreaterThanOrEqual(7);
    for (const [functionId] of functions) {
      const own = aliases().filter(([, a]) => text(a.Properties!.FunctionName) === text({ Ref: functionId }));
      expect(own).toHaveLength(1);
      const alias = own[0][1].Properties!;
      expect(alias.Name).toBe(operating.functionAlias.name);
      const versionId = alias.FunctionVersion['Fn::GetAtt'][0];
      expect(alias.FunctionVersion).toEqual({ 'Fn::GetAtt': [versionId, 'Version'] });
      const version = resources()[versionId];
      expect(version.Type).toBe('AWS::Lambda::Version');
      expect(version.Properties!.FunctionName).toEqual({ Ref: functionId });
      // Replaced by the next deploy's version, it stays: the version the rollback moves back to.
      expect(operating.functionAlias.keepReplacedVersions).toBe(true);
      expect(version.DeletionPolicy).toBe('Retain');
      expect(version.UpdateReplacePolicy).toBe('Retain');
    }
  });

  test('no front door invokes a function itself: every integration, URL and permission names its alias', () => {
    const functionIds = new Set(ofType('AWS::Lambda::Function').map(([id]) => id));
    const namesAFunction = (value: unknown) => [...functionIds].some((id) => text(value).includes(`"${id}"`));
    const restUris = ofType('AWS::ApiGateway::Method')
      .map(([, m]) => m.Properties!.Integration)
      .filter((i) => i?.Type === 'AWS_PROXY')
      .map((i) => i.Uri);
    const httpUris = ofType('AWS::ApiGatewayV2::Integration').map(([, i]) => i.Properties!.IntegrationUri);
    expect(restUris.length + httpUris.length).toBeGreaterThanOrEqual(10);
    for (const uri of [...restUris, ...httpUris]) {
      expect(namesAFunction(uri)).toBe(false);
      expect(aliases().some(([id]) => text(uri).includes(`"${id}"`))).toBe(true);
    }
    const permissions = ofType('AWS::Lambda::Permission');
    expect(permissions.length).toBeGreaterThan(0);
    for (const [id, permission] of permissions) {
      expect([id, isAlias(permission.Properties!.FunctionName)]).toEqual([id, true]);
    }
    for (const [, url] of ofType('AWS::Lambda::Url')) {
      expect(url.Properties!.Qualifier).toBe(operating.functionAlias.name);
    }
  });

  test('a change to a function publishes a new version and moves its alias there; the others stay', () => {
    // Both synthesized here, from the same package: only the description differs.
    const before = synthesizeVariant({}).toJSON();
    const changed = synthesizeVariant({
      description: changedDescription((deployment) => {
        deployment.functions.environment.RUST_LOG_STYLE = 'never';
      }),
    }).toJSON();
    const versionOf = (template: any, name: string) =>
      Object.values(template.Resources as Record<string, any>).find(
        (r) => r.Type === 'AWS::Lambda::Alias' && r.Metadata['aws:cdk:path'] === `ServerlessBlog/Functions/${name}/Live/Resource`,
      ).Properties.FunctionVersion['Fn::GetAtt'][0];
    for (const f of d.functions.each) {
      const after = versionOf(changed, f.name);
      expect(after).not.toBe(versionOf(before, f.name));
      expect(changed.Resources[after].Type).toBe('AWS::Lambda::Version');
    }
    // A change of the functions' settings leaves the container alone: its task definition is the same.
    const taskDefinition = (template: any) =>
      text(Object.values(template.Resources as Record<string, any>).find((r) => r.Type === 'AWS::ECS::TaskDefinition').Properties);
    expect(taskDefinition(changed)).toBe(taskDefinition(before));
  });
});

describe("chapter 12's traces", () => {
  test('every REST API stage traces with X-Ray, and every function records its part (Active)', () => {
    const stages = Object.values(resourcesOfType('AWS::ApiGateway::Stage'));
    expect(stages.length).toBe(3);
    for (const stage of stages) {
      expect(stage.Properties!.TracingEnabled).toBe(operating.tracing.restStages);
    }
    const functions = Object.values(resourcesOfType('AWS::Lambda::Function')).filter((f) =>
      f.Metadata?.['aws:cdk:path'].endsWith('/Function/Resource'),
    );
    expect(functions.length).toBe(7);
    for (const f of functions) {
      expect(f.Properties!.TracingConfig).toEqual({ Mode: operating.tracing.functions });
    }
    expect(operating.tracing).toMatchObject({ restStages: true, functions: 'Active', exportSpans: true });
  });

  test("the four functions and the server send the blog's spans to X-Ray's OTLP endpoint in the stack's region; chapters 10 and 11's functions do not", () => {
    const { endpointVariable, ratioVariable, containerRatio } = operating.tracing;
    const functions = Object.values(resourcesOfType('AWS::Lambda::Function')).filter((f) =>
      f.Metadata?.['aws:cdk:path'].endsWith('/Function/Resource'),
    );
    const sending = functions.filter((f) => f.Properties!.Environment.Variables[endpointVariable] !== undefined);
    expect(sending.map((f) => f.Properties!.Description).sort()).toEqual(
      d.functions.each.map((f) => `${f.method} ${f.resource}`).sort(),
    );
    for (const f of sending) {
      expect(f.Properties!.Environment.Variables[endpointVariable]).toEqual(XRAY_ENDPOINT);
    }
    const [task] = Object.values(resourcesOfType('AWS::ECS::TaskDefinition'));
    const environment = Object.fromEntries(
      task.Properties!.ContainerDefinitions[0].Environment.map((e: any) => [e.Name, e.Value]),
    );
    expect(environment[endpointVariable]).toEqual(XRAY_ENDPOINT);
    expect(Number(environment[ratioVariable])).toBe(containerRatio);
  });

  test("the task's role may write spans to X-Ray, and nothing else of X-Ray's", () => {
    const [task] = Object.values(resourcesOfType('AWS::ECS::TaskDefinition'));
    const role = task.Properties!.TaskRoleArn['Fn::GetAtt'][0];
    const statements = Object.values(resourcesOfType('AWS::IAM::Policy'))
      .filter((p) => p.Properties!.Roles.some((r: any) => r.Ref === role))
      .flatMap((p) => p.Properties!.PolicyDocument.Statement);
    const xray = statements.filter((s: any) => [s.Action].flat().some((a: string) => a.startsWith('xray:')));
    expect(xray).toEqual([{ Action: 'xray:PutTraceSegments', Effect: 'Allow', Resource: '*' }]);
  });

  test('without exportSpans no binary names the endpoint and the task role has no X-Ray action', () => {
    const { endpointVariable } = operating.tracing;
    const off = synthesizeVariant({
      description: changedDescription((x) => (x.operating.tracing.exportSpans = false)),
    }).toJSON();
    expect(JSON.stringify(off)).not.toContain(endpointVariable);
    const [task] = Object.values(off.Resources).filter((r: any) => r.Type === 'AWS::ECS::TaskDefinition') as any[];
    const role = task.Properties.TaskRoleArn['Fn::GetAtt'][0];
    const taskStatements = (Object.values(off.Resources) as any[])
      .filter((r) => r.Type === 'AWS::IAM::Policy' && r.Properties.Roles.some((x: any) => x.Ref === role))
      .flatMap((p) => p.Properties.PolicyDocument.Statement);
    expect(taskStatements.filter((s: any) => JSON.stringify(s.Action).includes('xray:'))).toEqual([]);
  });
});
