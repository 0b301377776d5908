/* SPDX-License-Identifier: MIT */
/* Xenstore keys through which the toolstack configures HVM firmware. */

#ifndef __XEN_PUBLIC_HVM_HVM_XS_STRINGS_H__
#define __XEN_PUBLIC_HVM_HVM_XS_STRINGS_H__

/* Relative to the domain's xenstore home; written by the toolstack. */
#define HVM_XS_HVMLOADER               "hvmloader"
#define HVM_XS_BIOS                    "hvmloader/bios"
#define HVM_XS_GENERATION_ID_ADDRESS   "hvmloader/generation-id-address"
#define HVM_XS_ALLOW_MEMORY_RELOCATE   "hvmloader/allow-memory-relocate"

/* Pass-through ACPI and SMBIOS tables. */
#define HVM_XS_ACPI_PT_ADDRESS         "hvmloader/acpi/address"
#define HVM_XS_ACPI_PT_LENGTH          "hvmloader/acpi/length"
#define HVM_XS_SMBIOS_PT_ADDRESS       "hvmloader/smbios/address"
#define HVM_XS_SMBIOS_PT_LENGTH        "hvmloader/smbios/length"
#define HVM_XS_SMBIOS_DEFAULT_BATTERY  "hvmloader/smbios/default_battery"

/* SMBIOS string overrides. */
#define HVM_XS_BIOS_STRINGS            "bios-strings"
#define HVM_XS_BIOS_VENDOR             "bios-strings/bios-vendor"
#define HVM_XS_BIOS_VERSION            "bios-strings/bios-version"
#define HVM_XS_SYSTEM_MANUFACTURER     "bios-strings/system-manufacturer"
#define HVM_XS_SYSTEM_PRODUCT_NAME     "bios-strings/system-product-name"
#define HVM_XS_SYSTEM_VERSION          "bios-strings/system-version"
#define HVM_XS_SYSTEM_SERIAL_NUMBER    "bios-strings/system-serial-number"
#define HVM_XS_BASEBOARD_MANUFACTURER  "bios-strings/baseboard-manufacturer"
#define HVM_XS_BASEBOARD_PRODUCT_NAME  "bios-strings/baseboard-product-name"
#define HVM_XS_BASEBOARD_VERSION       "bios-strings/baseboard-version"
#define HVM_XS_BASEBOARD_SERIAL_NUMBER                                    \
    "bios-strings/baseboard-serial-number"
#define HVM_XS_BASEBOARD_ASSET_TAG     "bios-strings/baseboard-asset-tag"
#define HVM_XS_BASEBOARD_LOCATION_IN_CHASSIS                              \
    "bios-strings/baseboard-location-in-chassis"
#define HVM_XS_ENCLOSURE_MANUFACTURER  "bios-strings/enclosure-manufacturer"
#define HVM_XS_ENCLOSURE_SERIAL_NUMBER                                    \
    "bios-strings/enclosure-serial-number"
#define HVM_XS_ENCLOSURE_ASSET_TAG     "bios-strings/enclosure-asset-tag"
#define HVM_XS_BATTERY_MANUFACTURER    "bios-strings/battery-manufacturer"
#define HVM_XS_BATTERY_DEVICE_NAME     "bios-strings/battery-device-name"
#define HVM_XS_OEM_STRINGS             "bios-strings/oem-%d"  /* 1-99 */

#endif /* __XEN_PUBLIC_HVM_HVM_XS_STRINGS_H__ */
