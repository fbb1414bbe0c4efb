import { Match } from 'aws-cdk-lib/assertions';
import { blogDescription, blogTemplate, resourcesOfType } from './support/template';
import { synthesizeVariant } from './support/synth';

const TABLE_PATH = 'ServerlessBlog/Table/Posts/Resource';

describe('the table', () => {
  test('is the only table, under Table, named by CloudFormation', () => {
    const tables = Object.values(resourcesOfType('AWS::DynamoDB::Table'));
    expect(tables).toHaveLength(1);
    expect(tables[0].Metadata?.['aws:cdk:path']).toBe(TABLE_PATH);
    expect(tables[0].Properties).not.toHaveProperty('TableName');
  });

  test('has the partition key and the feed index of the description, projecting every attribute', () => {
    const { table } = blogDescription();
    const [index] = table.indexes;
    blogTemplate().hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [{ AttributeName: table.partitionKey.name, KeyType: 'HASH' }],
      AttributeDefinitions: Match.arrayWith([
        { AttributeName: table.partitionKey.name, AttributeType: table.partitionKey.type },
        { AttributeName: index.partitionKey.name, AttributeType: index.partitionKey.type },
        { AttributeName: index.sortKey!.name, AttributeType: index.sortKey!.type },
      ]),
      GlobalSecondaryIndexes: [
        {
          IndexName: index.name,
          KeySchema: [
            { AttributeName: index.partitionKey.name, KeyType: 'HASH' },
            { AttributeName: index.sortKey!.name, KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        },
      ],
    });
  });

  test('bills on demand and keeps point-in-time recovery', () => {
    blogTemplate().hasResourceProperties('AWS::DynamoDB::Table', {
      BillingMode: 'PAY_PER_REQUEST',
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
    });
  });

  test('is deleted with the stack by default', () => {
    blogTemplate().hasResource('AWS::DynamoDB::Table', { DeletionPolicy: 'Delete', UpdateReplacePolicy: 'Delete' });
  });

  test('outlives the stack with -c tableRemoval=retain', () => {
    synthesizeVariant({ tableRemoval: 'retain' }).hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
  });

  test('any other tableRemoval is an error that names the two choices', () => {
    expect(() => synthesizeVariant({ tableRemoval: 'snapshot' })).toThrow(
      /Context tableRemoval is "snapshot": use destroy .* or retain/,
    );
  });
});
