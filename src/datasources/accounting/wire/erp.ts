/** ERP registration (spec §1.1): the /erps resources. */
import type { OpenEnum, ErpFeatureFlag, ConfigurationFieldType } from "./enums.js";

/** One configuration field of a posting option. The flag is `isRequired` in examples, `required` in the schema table (Q16). */
export interface ConfigurationField {
  configurationFieldType: OpenEnum<ConfigurationFieldType>;
  isRequired?: boolean;
  required?: boolean;
}

export interface PostingOption {
  postingCode: string;
  postingName: string;
  /** Default false. */
  availableForOutOfPocketExpenses?: boolean;
  configurationFields?: ConfigurationField[] | null;
}

/** Request and response body of the /erps endpoints. `erpId` is response-only. */
export interface ErpPackage {
  erpId?: string;
  partnerAppName: string;
  erpName: string;
  externalErpId: string;
  features?: OpenEnum<ErpFeatureFlag>[] | null;
  postingOptions?: PostingOption[] | null;
}

/** Body of `POST /erps` (the registrar sends `features` and `postingOptions` as empty lists when absent). */
export interface ErpRegistrationBody {
  partnerAppName: string;
  erpName: string;
  externalErpId: string;
  features?: ErpFeatureFlag[];
  postingOptions?: PostingOption[];
}

/** Body of `PATCH /erps/{erpId}`: both members are replaced wholesale, so both are always sent. */
export interface ErpUpdateBody {
  features: ErpFeatureFlag[];
  postingOptions: PostingOption[];
  partnerAppName?: string;
  erpName?: string;
  externalErpId?: string;
}
