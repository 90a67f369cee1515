import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import type { Config } from './config';
import type { Clock } from './core/clock';
import type { Mailer } from './core/mail';
import type { RateLimits } from './core/rate-limit';
import { AccountsService } from './modules/accounts/accounts.service';

/** The domain services, built once per process and reached by resolvers through the context. */
export interface Services {
  accounts: AccountsService;
}

export interface Infrastructure {
  config: Config;
  dataSource: DataSource;
  clock: Clock;
  mailer: Mailer;
  limits: RateLimits;
  logger: Logger;
}

export function createServices(infra: Infrastructure): Services {
  const { config, dataSource, clock, mailer, limits, logger } = infra;
  return {
    accounts: new AccountsService({
      dataSource,
      clock,
      mailer,
      limits,
      logger,
      jwtSecret: config.jwtSecret,
      sessionTtlHours: config.sessionTtlHours,
      publicUrl: config.publicUrl,
    }),
  };
}
