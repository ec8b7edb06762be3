/**
 * Provider SDKs are optional peers, loaded on first use, so an application installs only the
 * ones it calls.
 */
import { KeelError } from '@keel/core';
import { MissingSdkError } from './missing-sdk-error';

export async function loadSdk<T>(name: string, load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (error) {
    if (KeelError.isInstance(error)) throw error;
    throw new MissingSdkError({ sdk: name, cause: error });
  }
}
