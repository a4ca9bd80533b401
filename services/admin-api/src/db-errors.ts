import { AppError, conflict, validationFailed } from '@bora/core';
import { PG_ERROR, pgConstraint, pgErrorCode } from '@bora/db';

/**
 * Unique constraints are the only safe uniqueness check under concurrency; this turns their
 * violations into the 409s an operator can act on. Anything else is rethrown untouched.
 */
const UNIQUE_MESSAGES: Record<string, [code: string, message: string]> = {
  tenants_slug_unique: ['TENANT_SLUG_TAKEN', 'Já existe um negócio com esse slug'],
  evolution_apis_name_unique: ['EVOLUTION_API_NAME_TAKEN', 'Já existe uma Evolution API com esse nome'],
  whatsapp_instances_name_unique: ['INSTANCE_NAME_TAKEN', 'Já existe uma instância com esse nome'],
  whatsapp_instances_phone_unique: ['PHONE_ALREADY_REGISTERED', 'Esse número de WhatsApp já está cadastrado'],
  whatsapp_instances_one_primary_per_tenant: ['PRIMARY_ALREADY_SET', 'Esse negócio já tem um WhatsApp principal'],
  whatsapp_instances_one_shared_primary: ['PRIMARY_ALREADY_SET', 'Já existe um WhatsApp compartilhado principal'],
};

export function mapDbError(error: unknown): never {
  const code = pgErrorCode(error);
  const constraint = pgConstraint(error);
  if (code === PG_ERROR.uniqueViolation && constraint && UNIQUE_MESSAGES[constraint]) {
    const [appCode, message] = UNIQUE_MESSAGES[constraint];
    throw conflict(appCode, message);
  }
  if (code === PG_ERROR.checkViolation) {
    throw validationFailed([{ field: constraint ?? 'body', message: 'valor recusado pelo banco' }]);
  }
  if (code === PG_ERROR.foreignKeyViolation) {
    throw new AppError('REFERENCE_IN_USE', 'O registro é referenciado por outros dados', { statusCode: 409 });
  }
  throw error;
}
