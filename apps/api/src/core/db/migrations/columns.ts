import { TableForeignKey, type TableColumnOptions } from 'typeorm';

/** Column shapes that mean the same on SQLite and on MySQL/MariaDB, for the QueryRunner table API. */
export const col = {
  id: (name = 'id'): TableColumnOptions => ({
    name,
    type: 'varchar',
    length: '36',
    isPrimary: true,
  }),
  ref: (name: string, nullable = false): TableColumnOptions => ({
    name,
    type: 'varchar',
    length: '36',
    isNullable: nullable,
  }),
  text: (name: string, length: number, nullable = false): TableColumnOptions => ({
    name,
    type: 'varchar',
    length: String(length),
    isNullable: nullable,
  }),
  hash: (name: string): TableColumnOptions => ({ name, type: 'varchar', length: '64' }),
  time: (name: string, nullable = false): TableColumnOptions => ({
    name,
    type: 'datetime',
    precision: 3,
    isNullable: nullable,
  }),
};

/** A foreign key from `column` to `table.id`. */
export const foreignKey = (
  name: string,
  column: string,
  table: string,
  onDelete: 'CASCADE' | 'SET NULL',
) =>
  new TableForeignKey({
    name,
    columnNames: [column],
    referencedTableName: table,
    referencedColumnNames: ['id'],
    onDelete,
  });
