import { testApiSnapshot } from '@keel/api-snapshot';

testApiSnapshot(new URL('..', import.meta.url));
