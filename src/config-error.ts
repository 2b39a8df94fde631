import type Joi from 'joi';

/** Start-up refuses bad configuration with one line that names the variable. */
export class ConfigError extends Error {}

/** The first problem Joi found, as that one line (`config error: NAME message`). */
export function firstProblem(error: Joi.ValidationError, source: string): ConfigError {
  const detail = error.details[0];
  const name = detail.path.join('.') || source;
  return new ConfigError(`config error: ${source === 'env' ? name : `${source} ${name}`} ${detail.message.replace(/^"[^"]*" /, '')}`);
}

/** Validates the environment variables a part of the app owns; unknown ones are left to their owners. */
export function readEnv(schema: Joi.ObjectSchema, env: NodeJS.ProcessEnv): Record<string, any> {
  const { value, error } = schema.unknown(true).validate(env, { abortEarly: true, convert: true });
  if (error) throw firstProblem(error, 'env');
  return value;
}

/** Throws the one line when any of `names` is unset. */
export function requireEnv(env: Record<string, unknown>, names: string[], when: string): void {
  for (const name of names) {
    if (!env[name]) throw new ConfigError(`config error: ${name} is required when ${when}`);
  }
}
