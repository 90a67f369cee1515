/**
 * The baseline servers of `pnpm bench:graphql` (graphql.ts), each forked by the bench as a process
 * of its own so that it never shares the load generator's event loop; it sends `{ url }` over IPC
 * once it listens on a free port of 127.0.0.1, and ends on SIGTERM.
 *
 *   baselines.js stock-apollo   Apollo Server 5 with the stock expressMiddleware of
 *                               @as-integrations/express5 on Express 5, the schema built by
 *                               TypeGraphQL from one resolver class: `team(id: ID!): Team` with
 *                               `id` and `name`, held in memory (BENCH_TEAM_ID, BENCH_TEAM_NAME);
 *                               no auth, no context; introspection off (NODE_ENV=production).
 *   baselines.js bare-http      node:http alone: reads the request body, then answers
 *                               BENCH_BARE_BODY (the JSON the stock server answered) as it is.
 */
import 'reflect-metadata';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { expressMiddleware } from '@as-integrations/express5';
import express from 'express';
import { Arg, buildSchema, Field, ID, ObjectType, Query, Resolver } from 'type-graphql';

@ObjectType()
class Team {
  @Field(() => ID)
  id: string;

  @Field()
  name: string;
}

const teams = new Map<string, Team>();

@Resolver(() => Team)
class TeamResolver {
  @Query(() => Team, { nullable: true })
  team(@Arg('id', () => ID) id: string): Team | null {
    return teams.get(id) ?? null;
  }
}

async function stockApollo(): Promise<http.Server> {
  const team = Object.assign(new Team(), {
    id: process.env.BENCH_TEAM_ID ?? 'team-1',
    name: process.env.BENCH_TEAM_NAME ?? 'Team',
  });
  teams.set(team.id, team);
  const schema = await buildSchema({ resolvers: [TeamResolver] });
  const app = express();
  const httpServer = http.createServer(app);
  const server = new ApolloServer({
    schema,
    introspection: false,
    plugins: [ApolloServerPluginDrainHttpServer({ httpServer })],
  });
  await server.start();
  app.use('/graphql', express.json(), expressMiddleware(server));
  return httpServer;
}

function bareHttp(): http.Server {
  const body = process.env.BENCH_BARE_BODY ?? '{}';
  const headers = {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(body),
  };
  return http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, headers);
      res.end(body);
    });
  });
}

async function main(): Promise<void> {
  const which = process.argv[2];
  const server =
    which === 'stock-apollo' ? await stockApollo() : which === 'bare-http' ? bareHttp() : null;
  if (!server) throw new Error(`no such baseline: ${which} (stock-apollo or bare-http)`);
  server.listen(0, '127.0.0.1', () => {
    const { port } = server.address() as AddressInfo;
    process.send!({ url: `http://127.0.0.1:${port}` });
  });
  process.once('SIGTERM', () => {
    server.closeAllConnections();
    server.close(() => process.exit(0));
  });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
