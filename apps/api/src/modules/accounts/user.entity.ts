import { Column, Entity, PrimaryColumn } from 'typeorm';
import { Field, ID, ObjectType } from 'type-graphql';

@ObjectType({ description: 'A person with an account on the portal.' })
@Entity('users')
export class User {
  @Field(() => ID)
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  /** Trimmed and lower-cased before it is stored; unique. */
  @Field()
  @Column({ type: 'varchar', length: 254, unique: true })
  email: string;

  @Field()
  @Column({ type: 'varchar', length: 100 })
  name: string;

  /** scrypt, with its parameters and salt (see password.ts). Never leaves the service. */
  @Column({ type: 'varchar', length: 255 })
  passwordHash: string;

  @Field()
  @Column({ type: 'datetime', precision: 3 })
  createdAt: Date;
}
