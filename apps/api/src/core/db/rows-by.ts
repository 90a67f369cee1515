import type { DataSource, EntityMetadata, EntityTarget, ObjectLiteral } from 'typeorm';
import { sharesTurns, TurnBatch } from './turn-batch';

/**
 * Whole rows of one entity by the values of one column (`WHERE <column> IN (…)`, plus a fixed
 * condition), for the reads nearly every request makes: the caller's team and membership.
 *
 * TypeORM's find and query builder build their SQL anew on every call; in the keyed and session
 * profiles of `team(id){ id name }` that building (createSelectExpression, buildWhere,
 * replacePropertyNamesForTheWholeQuery, the alias maps) was most of TypeORM's 20-25 % of the
 * CPU. Here the statement for each list length is built once, from TypeORM's own metadata and
 * identifier escaping, and each value is hydrated by TypeORM's driver (`prepareHydratedValue`),
 * so the entities are the ones find would give (relations not loaded). Values are always bound
 * parameters, never part of the SQL.
 */
/** A many-to-one relation read in the same statement (an inner join): rows without it are left out. */
export interface JoinedOne {
  /** The relation's property on the entity, e.g. `team`. */
  property: string;
  entity: EntityTarget<ObjectLiteral>;
  /** The entity's column holding the joined row's primary key, e.g. `teamId`. */
  on: string;
  /** A fixed condition on the joined row, e.g. `deletedAt IS NULL`. */
  where?: (column: (property: string) => string) => string;
}

/** How a read is filtered beyond its list, joined and ordered; every part optional. */
export interface RowsByOptions {
  /**
   * A fixed extra condition in SQL, e.g. `deletedAt IS NULL` or `userId = ?`, its columns named
   * through the function given (which escapes them); its `?` take `read`'s `params`.
   */
  where?: (column: (property: string) => string) => string;
  join?: JoinedOne;
  /** Properties of the entity to order by. */
  order?: Array<[property: string, direction: 'ASC' | 'DESC']>;
  /**
   * Reads with the same `params` made in one turn of the event loop, by any requests, share one
   * statement (their lists joined, at most MAX_LIST values a statement); each gets its own rows.
   * For the reads every request makes: under load one statement then serves several requests.
   * Only where statements are round trips (turn-batch.ts sharesTurns: not on SQLite).
   */
  coalesce?: boolean;
}

/** Values in one coalesced statement at most. */
const MAX_LIST = 100;

interface Read {
  values: readonly unknown[];
  params: readonly unknown[];
}

export class RowsBy<E extends ObjectLiteral> {
  private readonly statements = new Map<number, string>();
  private meta: EntityMetadata | undefined;
  private joinedMeta: EntityMetadata | undefined;

  private readonly where: RowsByOptions['where'];
  private readonly join: JoinedOne | undefined;
  private readonly order: NonNullable<RowsByOptions['order']>;
  private readonly coalesce: boolean;
  /** Coalesced reads of this turn. */
  private readonly turn: TurnBatch<Read, E[]>;

  constructor(
    private readonly dataSource: DataSource,
    private readonly entity: EntityTarget<E>,
    private readonly column: string,
    options: RowsByOptions = {},
  ) {
    this.where = options.where;
    this.join = options.join;
    this.order = options.order ?? [];
    this.coalesce = options.coalesce ?? false;
    this.turn = new TurnBatch((reads) => this.readTogether(reads), sharesTurns(dataSource));
  }

  read(values: readonly unknown[], params: readonly unknown[] = []): Promise<E[]> {
    if (values.length === 0) return Promise.resolve([]);
    return this.coalesce ? this.turn.load({ values, params }) : this.readNow(values, params);
  }

  /** One turn's reads: one statement per params and up to MAX_LIST values; each read its rows. */
  private readTogether(reads: Read[]): Array<Promise<E[]>> {
    const answers: Array<Promise<E[]>> = new Array<Promise<E[]>>(reads.length);
    const groups = new Map<string, number[]>();
    reads.forEach((read, i) => {
      const key = read.params.length === 0 ? '' : JSON.stringify(read.params);
      const group = groups.get(key);
      if (group) group.push(i);
      else groups.set(key, [i]);
    });
    for (const group of groups.values()) {
      let batch: number[] = [];
      let count = 0;
      const flush = () => {
        const together = batch;
        const values = [...new Set(together.flatMap((i) => reads[i]!.values))];
        const rows = this.readNow(values, reads[together[0]!]!.params);
        for (const i of together) {
          const wanted = new Set(reads[i]!.values);
          answers[i] =
            together.length === 1
              ? rows
              : rows.then((all) => all.filter((row) => wanted.has(row[this.column])));
        }
      };
      for (const i of group) {
        const size = reads[i]!.values.length;
        if (count > 0 && count + size > MAX_LIST) {
          flush();
          batch = [];
          count = 0;
        }
        batch.push(i);
        count += size;
      }
      flush();
    }
    return answers;
  }

  private async readNow(values: readonly unknown[], params: readonly unknown[]): Promise<E[]> {
    const meta = (this.meta ??= this.dataSource.getMetadata(this.entity));
    const joined = this.join
      ? (this.joinedMeta ??= this.dataSource.getMetadata(this.join.entity))
      : undefined;
    const rows = await this.dataSource.query<Array<Record<string, unknown>>>(
      this.statement(meta, values.length),
      [...values, ...params],
    );
    return rows.map((row) => {
      const entity = this.hydrate(meta, row, 'r_') as E;
      if (joined && this.join)
        (entity as Record<string, unknown>)[this.join.property] = this.hydrate(joined, row, 'j_');
      return entity;
    });
  }

  private hydrate(
    meta: EntityMetadata,
    row: Record<string, unknown>,
    prefix: string,
  ): ObjectLiteral {
    const driver = this.dataSource.driver;
    const entity = meta.create() as Record<string, unknown>;
    for (const column of meta.columns)
      entity[column.propertyName] = driver.prepareHydratedValue(
        row[prefix + column.databaseName],
        column,
      );
    return entity;
  }

  private statement(meta: EntityMetadata, count: number): string {
    let sql = this.statements.get(count);
    if (sql === undefined) {
      const escape = (name: string) => this.dataSource.driver.escape(name);
      const columnOf = (m: EntityMetadata, property: string) => {
        const column = m.findColumnWithPropertyName(property);
        if (!column) throw new Error(`${m.name} has no column ${property}`);
        return column.databaseName;
      };
      const select = (m: EntityMetadata, alias: string) =>
        m.columns.map(
          (c) => `${alias}.${escape(c.databaseName)} AS ${escape(alias + '_' + c.databaseName)}`,
        );
      const r = (property: string) => `r.${escape(columnOf(meta, property))}`;
      const list = count === 1 ? '= ?' : `IN (${new Array<string>(count).fill('?').join(', ')})`;
      const columns = select(meta, 'r');
      let from = `${escape(meta.tableName)} r`;
      if (this.join) {
        const joined = this.dataSource.getMetadata(this.join.entity);
        const j = (property: string) => `j.${escape(columnOf(joined, property))}`;
        columns.push(...select(joined, 'j'));
        const key = joined.primaryColumns[0]!.propertyName;
        from += ` INNER JOIN ${escape(joined.tableName)} j ON ${j(key)} = ${r(this.join.on)}`;
        if (this.join.where) from += ` AND ${this.join.where(j)}`;
      }
      const extra = this.where ? ` AND ${this.where(r)}` : '';
      const order = this.order.length
        ? ` ORDER BY ${this.order.map(([property, direction]) => `${r(property)} ${direction}`).join(', ')}`
        : '';
      sql = `SELECT ${columns.join(', ')} FROM ${from} WHERE ${r(this.column)} ${list}${extra}${order}`;
      // Lists of many lengths (a dashboard's ids) stay bounded: one statement per length up to 100.
      if (count <= 100) this.statements.set(count, sql);
    }
    return sql;
  }
}
