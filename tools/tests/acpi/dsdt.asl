/* SPDX-License-Identifier: GPL-2.0-only */
/* Minimal DSDT for the ACPI host tests: just the S5 sleep package. */
DefinitionBlock ("", "DSDT", 2, "XENTST", "TESTDSDT", 1)
{
    Name (\_S5, Package (0x04) { 0x05, 0x07, Zero, Zero })
}
