import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { DynamoDbPermission, KeyAttribute, TableDescription } from './description';

export interface BlogTableProps {
  readonly description: TableDescription;
  /** `DESTROY` lets `cdk destroy` delete the posts with the stack; `RETAIN` keeps the table. */
  readonly removalPolicy: RemovalPolicy;
}

/**
 * The one DynamoDB table both variants share: posts by `id`, and the `feed` index that lists
 * them newest first. Its keys come from the Rust code's description; CloudFormation names it.
 */
export class BlogTable extends Construct {
  readonly table: dynamodb.Table;
  /** The names of the table's global secondary indexes (`feed`). */
  readonly indexNames: string[];

  constructor(scope: Construct, id: string, props: BlogTableProps) {
    super(scope, id);
    const { description } = props;
    this.indexNames = description.indexes.map((index) => index.name);

    // ANCHOR: table
    this.table = new dynamodb.Table(this, 'Posts', {
      partitionKey: attribute(description.partitionKey),
      sortKey: description.sortKey && attribute(description.sortKey),
      // On-demand: a tutorial's traffic is tiny and bursty, and an idle table costs nothing.
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      removalPolicy: props.removalPolicy,
    });
    for (const index of description.indexes) {
      this.table.addGlobalSecondaryIndex({
        indexName: index.name,
        partitionKey: attribute(index.partitionKey),
        sortKey: index.sortKey && attribute(index.sortKey),
        projectionType: dynamodb.ProjectionType.ALL,
      });
    }
    // ANCHOR_END: table
  }

  /**
   * The ARN a permission is about: the table's, or one index's (`<table ARN>/index/feed`).
   * Never a wildcard: each principal gets exactly the table or index it uses.
   */
  arnFor(permission: DynamoDbPermission): string {
    return permission.on === 'index' ? `${this.table.tableArn}/index/${permission.index}` : this.table.tableArn;
  }
}

const ATTRIBUTE_TYPES = {
  S: dynamodb.AttributeType.STRING,
  N: dynamodb.AttributeType.NUMBER,
  B: dynamodb.AttributeType.BINARY,
} as const;

function attribute(key: KeyAttribute): dynamodb.Attribute {
  return { name: key.name, type: ATTRIBUTE_TYPES[key.type] };
}
