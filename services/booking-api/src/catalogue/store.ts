import type { Sql } from '@bora/db';

export interface PublicService {
  id: string;
  name: string;
  durationMinutes: number;
  /** In reais (45.5 = R$ 45,50); null when the business shows no price. */
  price: number | null;
}

export interface PublicProfessional {
  id: string;
  name: string;
  /** The active services this professional does. */
  serviceIds: string[];
}

export interface PublicCatalogue {
  services: PublicService[];
  professionals: PublicProfessional[];
}

/**
 * What a customer may choose from: active services, and active professionals with the active
 * services they do (a professional doing none is left out: nobody could book them). One query,
 * uncached, so an edit in the admin shows on the next page load.
 */
export async function loadPublicCatalogue(sql: Sql, tenantId: string): Promise<PublicCatalogue> {
  const [row] = await sql<{ services: PublicService[]; professionals: PublicProfessional[] }[]>`
    select
      coalesce((select json_agg(json_build_object('id', s.id, 'name', s.name, 'durationMinutes', s.duration_minutes,
                                                  'price', s.price_cents / 100.0) order by s.name, s.id)
                from services s where s.tenant_id = ${tenantId}::uuid and s.active), '[]') as services,
      coalesce((select json_agg(x order by x.name, x.id) from (
                  select p.id, p.name, json_agg(s.id order by s.name, s.id) as "serviceIds"
                  from professionals p
                  join professional_services ps on ps.professional_id = p.id
                  join services s on s.id = ps.service_id and s.active
                  where p.tenant_id = ${tenantId}::uuid and p.active
                  group by p.id, p.name) x), '[]') as professionals`;
  return { services: row?.services ?? [], professionals: row?.professionals ?? [] };
}
