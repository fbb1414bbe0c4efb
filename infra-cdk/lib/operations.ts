import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cwActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import { BlogTable } from './blog-table';
import { ContainerService } from './container-service';
import { AlarmDescription, OperatingDescription, Signal, Watches } from './description';
import { BlogFunction, FunctionsApi } from './functions-api';

export interface OperationsProps {
  readonly description: OperatingDescription;
  readonly functions: FunctionsApi;
  readonly containers: ContainerService;
  readonly table: BlogTable;
  /** Where the alarms send an e-mail (a subscription AWS asks the address to confirm). Default: none. */
  readonly alarmEmail?: string;
}

/**
 * What a person on call needs (chapter 12): an alarm per question the description asks of each
 * variant, each sending to one SNS topic; one dashboard with both variants side by side; and the
 * saved Logs Insights queries, on the log groups that can answer them.
 */
export class Operations extends Construct {
  readonly topic: sns.Topic;
  readonly alarms: Record<string, cloudwatch.Alarm> = {};
  readonly dashboard: cloudwatch.Dashboard;

  private readonly signals: Record<Signal, (alarm: AlarmDescription) => cloudwatch.IMetric>;

  constructor(scope: Construct, id: string, props: OperationsProps) {
    super(scope, id);
    const { description, functions, containers, table } = props;
    // The functions variant: the four functions and the export, behind the REST API.
    const blogFunctions: BlogFunction[] = [...Object.values(functions.functions), functions.exportFunction];
    const service = containers.service;

    // ANCHOR: init_metric
    // Lambda publishes no metric for a cold start's init: a metric filter on each function's log
    // group turns the initDurationMs of its platform.report records into one.
    const init = description.initDurationMetric;
    for (const fn of blogFunctions) {
      new logs.MetricFilter(fn, 'InitDuration', {
        logGroup: fn.logGroup,
        filterPattern: logs.FilterPattern.literal(init.filterPattern),
        metricNamespace: init.namespace,
        metricName: init.metricName,
        metricValue: init.metricValue,
        unit: cloudwatch.Unit.MILLISECONDS,
      });
    }
    // ANCHOR_END: init_metric

    const sum = (label: string, metrics: cloudwatch.IMetric[], period: Duration) =>
      new cloudwatch.MathExpression({
        expression: metrics.map((_, i) => `FILL(m${i}, 0)`).join(' + '),
        usingMetrics: Object.fromEntries(metrics.map((m, i) => [`m${i}`, m])),
        label,
        period,
      });
    const period = (a: AlarmDescription) => Duration.seconds(a.periodSeconds);
    const options = (a: AlarmDescription): cloudwatch.MetricOptions => ({ statistic: a.statistic, period: period(a) });

    // ANCHOR: signals
    this.signals = {
      gatewayErrorRate: (a) => functions.api.metricServerError(options(a)),
      gatewayLatency: (a) => functions.api.metricLatency(options(a)),
      functionErrors: (a) =>
        sum('Errors of the functions', blogFunctions.map((f) => f.function.metricErrors(options(a))), period(a)),
      functionThrottles: (a) =>
        sum('Throttles of the functions', blogFunctions.map((f) => f.function.metricThrottles(options(a))), period(a)),
      initDuration: (a) =>
        new cloudwatch.Metric({ namespace: init.namespace, metricName: init.metricName, unit: cloudwatch.Unit.MILLISECONDS, ...options(a) }),
      loadBalancerErrorRate: (a) => {
        const metrics = service.loadBalancer.metrics;
        const each = { statistic: 'Sum', period: period(a) };
        return new cloudwatch.MathExpression({
          // RequestCount leaves out the requests the load balancer answered itself before it chose
          // a target (a 503 with no healthy task): they are added to it, or the rate would have no
          // data exactly when the variant is down.
          expression: '(FILL(target5xx, 0) + FILL(elb5xx, 0)) / (FILL(requests, 0) + FILL(elb5xx, 0))',
          usingMetrics: {
            target5xx: metrics.httpCodeTarget(elbv2.HttpCodeTarget.TARGET_5XX_COUNT, each),
            elb5xx: metrics.httpCodeElb(elbv2.HttpCodeElb.ELB_5XX_COUNT, each),
            requests: metrics.requestCount(each),
          },
          label: 'Share of answers that were a 5xx',
          period: period(a),
        });
      },
      targetResponseTime: (a) => service.targetGroup.metrics.targetResponseTime(options(a)),
      healthyTasks: (a) => service.targetGroup.metrics.healthyHostCount(options(a)),
      taskCpu: (a) => service.service.metricCpuUtilization(options(a)),
      taskMemory: (a) => service.service.metricMemoryUtilization(options(a)),
      // The table's own throttles leave out its indexes' (TableName alone does not count them):
      // each index is summed in by its GlobalSecondaryIndexName too.
      tableThrottles: (a) =>
        sum(
          'Throttled reads and writes of the table and its indexes',
          ['ReadThrottleEvents', 'WriteThrottleEvents'].flatMap((name) => [
            table.table.metric(name, options(a)),
            ...table.indexNames.map((index) =>
              table.table.metric(name, {
                ...options(a),
                dimensionsMap: { TableName: table.table.tableName, GlobalSecondaryIndexName: index },
              }),
            ),
          ]),
          period(a),
        ),
    };
    // ANCHOR_END: signals

    // ANCHOR: alarms
    this.topic = new sns.Topic(this, 'Alarms', {
      displayName: 'Serverless blog alarms',
      enforceSSL: true,
    });
    if (props.alarmEmail !== undefined) {
      this.topic.addSubscription(new subscriptions.EmailSubscription(props.alarmEmail));
    }
    for (const a of description.alarms) {
      const alarm = new cloudwatch.Alarm(this, a.id, {
        metric: this.signals[a.signal](a),
        threshold: a.threshold,
        comparisonOperator:
          a.comparison === 'GreaterThanThreshold'
            ? cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD
            : cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
        evaluationPeriods: a.evaluationPeriods,
        datapointsToAlarm: a.datapointsToAlarm,
        treatMissingData: a.missingDataIsFine ? cloudwatch.TreatMissingData.NOT_BREACHING : cloudwatch.TreatMissingData.BREACHING,
        alarmDescription: a.means,
      });
      alarm.addAlarmAction(new cwActions.SnsAction(this.topic));
      alarm.addOkAction(new cwActions.SnsAction(this.topic));
      this.alarms[a.id] = alarm;
    }
    // ANCHOR_END: alarms

    // ANCHOR: queries
    const logGroups: Record<Exclude<Watches, 'table'>, logs.ILogGroup[]> = {
      functions: blogFunctions.map((f) => f.logGroup),
      containers: [containers.logGroup],
    };
    description.queries.forEach((q, i) => {
      new logs.CfnQueryDefinition(this, `Query${i}`, {
        name: q.name,
        queryString: q.query,
        logGroupNames: q.logGroups.flatMap((w) => logGroups[w as Exclude<Watches, 'table'>].map((g) => g.logGroupName)),
      });
    });
    // ANCHOR_END: queries

    this.dashboard = this.buildDashboard(description, functions, containers);
  }

  /**
   * One dashboard: the requests of each variant on top, then each alarm's metric with its
   * threshold, the functions' on the left and the containers' on the right, the table's below,
   * and every alarm's state at the bottom.
   */
  private buildDashboard(description: OperatingDescription, functions: FunctionsApi, containers: ContainerService): cloudwatch.Dashboard {
    const dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      defaultInterval: Duration.hours(3),
    });
    const graph = (a: AlarmDescription) =>
      new cloudwatch.GraphWidget({
        title: a.id,
        left: [this.signals[a.signal](a)],
        leftAnnotations: [{ value: a.threshold, label: `alarm: ${a.comparison === 'GreaterThanThreshold' ? 'above' : 'below'} ${a.threshold}` }],
        width: 12,
        height: 6,
      });
    const five = Duration.minutes(5);
    dashboard.addWidgets(
      new cloudwatch.TextWidget({
        markdown: '# Serverless blog\nLeft: the functions behind the REST API. Right: the container behind the load balancer.',
        width: 24,
        height: 2,
      }),
    );
    dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Requests (functions)',
        left: [functions.api.metricCount({ statistic: 'Sum', period: five })],
        width: 12,
        height: 6,
      }),
      new cloudwatch.GraphWidget({
        title: 'Requests (containers)',
        left: [containers.service.loadBalancer.metrics.requestCount({ statistic: 'Sum', period: five })],
        width: 12,
        height: 6,
      }),
    );
    const of = (watches: Watches) => description.alarms.filter((a) => a.watches === watches);
    const [left, right] = [of('functions'), of('containers')];
    for (let row = 0; row < Math.max(left.length, right.length); row++) {
      dashboard.addWidgets(
        ...[left[row], right[row]].map((a) => (a ? graph(a) : new cloudwatch.TextWidget({ markdown: ' ', width: 12, height: 6 }))),
      );
    }
    dashboard.addWidgets(...of('table').map(graph));
    dashboard.addWidgets(
      new cloudwatch.AlarmStatusWidget({
        title: 'Alarms',
        alarms: Object.values(this.alarms),
        width: 24,
      }),
    );
    return dashboard;
  }
}
