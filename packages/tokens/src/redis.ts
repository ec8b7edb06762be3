/**
 * @keel/tokens/redis: budgets shared by every replica of a service, held in Redis.
 */
export {
  type BudgetSeed,
  type BudgetWindow,
  createRedisBudget,
  type RedisBudget,
  type RedisBudgetOptions,
} from './redis-budget';
