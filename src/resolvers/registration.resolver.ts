import { Arg, Args, Ctx, ID, Mutation, Resolver } from "type-graphql";
import type { GatewayContext } from "../context.js";
import { fromErpRegistrationInput, fromErpUpdateInput, toErpIntegration } from "../datasources/index.js";
import { problemsToError, validateErpPackage } from "../datasources/index.js";
import { ErpIntegration, ErpRegistrationInput, ErpUpdateInput } from "../schema/index.js";
import { ErpArgs } from "./args.js";

@Resolver()
export class RegistrationResolver {
  @Mutation(() => ErpIntegration, {
    description:
      "Registers an ERP integration for a company (prerequisite of every other call). Concur allows one registration a minute per company: the gateway queues, it does not fail.",
  })
  async registerErp(
    @Arg("companyId", () => ID, { description: "Concur company UUID." }) companyId: string,
    @Arg("input", () => ErpRegistrationInput) input: ErpRegistrationInput,
    @Ctx() { requireCaller, services }: GatewayContext,
  ): Promise<ErpIntegration> {
    const body = fromErpRegistrationInput(input);
    const invalid = problemsToError(validateErpPackage(body, "input"));
    if (invalid) throw invalid;
    return toErpIntegration(companyId, await services.registrar.register(requireCaller(companyId, "write"), companyId, body));
  }

  @Mutation(() => ErpIntegration, {
    description:
      "Updates an ERP integration. `features` and `postingOptions` REPLACE the stored ones wholesale: send the full set every time (an omitted list becomes empty).",
  })
  async updateErp(
    @Args(() => ErpArgs) { companyId, erpId }: ErpArgs,
    @Arg("input", () => ErpUpdateInput) input: ErpUpdateInput,
    @Ctx() { requireCaller, services }: GatewayContext,
  ): Promise<ErpIntegration> {
    const body = fromErpUpdateInput(input);
    const invalid = problemsToError(validateErpPackage(body, "input", { update: true }));
    if (invalid) throw invalid;
    return toErpIntegration(companyId, await services.registrar.update(requireCaller(companyId, "write"), companyId, erpId, body), erpId);
  }

  @Mutation(() => Boolean, { description: "Removes the ERP integration and all ERP data Concur cached for it. Returns true when done." })
  async unregisterErp(@Args(() => ErpArgs) { companyId, erpId }: ErpArgs, @Ctx() { requireCaller, services }: GatewayContext): Promise<boolean> {
    await services.registrar.unregister(requireCaller(companyId, "write"), companyId, erpId);
    await services.cache.invalidateErp(companyId, erpId);
    return true;
  }
}
