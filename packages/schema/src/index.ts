export * from './generated/types';
