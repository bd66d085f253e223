/** Body of POST /cluster/rebalance: `{ dryRun?: boolean }`; anything else is a 400 with the reason. */
import { IsBoolean, IsOptional } from 'class-validator';

export class StartRebalanceDto {
  /** true: only compute the plan (no side effects). */
  @IsOptional()
  @IsBoolean()
  dryRun?: boolean;
}
