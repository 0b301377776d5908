/* SPDX-License-Identifier: GPL-2.0-only */
/* MADT for the ACPI host tests: 4 local APICs, an x2APIC, 2 IO-APICs. */
Signature : "APIC"
Table Length : 00000000
Revision : 05
Checksum : 00
Oem ID : "XENTST"
Oem Table ID : "TESTMADT"
Oem Revision : 00000001
Asl Compiler ID : "INTL"
Asl Compiler Revision : 00000000

Local Apic Address : FEE00000
Flags (decoded below) : 00000001
PC-AT Compatibility : 1

Subtable Type : 00 [Processor Local APIC]
Length : 08
Processor ID : 00
Local Apic ID : 00
Flags (decoded below) : 00000001
Processor Enabled : 1
Runtime Online Capable : 0

Subtable Type : 00 [Processor Local APIC]
Length : 08
Processor ID : 01
Local Apic ID : 02
Flags (decoded below) : 00000001
Processor Enabled : 1
Runtime Online Capable : 0

/* Disabled but may be brought online later. */
Subtable Type : 00 [Processor Local APIC]
Length : 08
Processor ID : 02
Local Apic ID : 04
Flags (decoded below) : 00000002
Processor Enabled : 0
Runtime Online Capable : 1

/* Disabled and not online capable: unusable. */
Subtable Type : 00 [Processor Local APIC]
Length : 08
Processor ID : 03
Local Apic ID : 06
Flags (decoded below) : 00000000
Processor Enabled : 0
Runtime Online Capable : 0

Subtable Type : 09 [Processor Local x2APIC]
Length : 10
Reserved : 0000
Processor x2Apic ID : 00000100
Flags (decoded below) : 00000001
Processor Enabled : 1
Processor UID : 00000010

Subtable Type : 01 [I/O APIC]
Length : 0C
I/O Apic ID : 08
Reserved : 00
Address : FEC00000
Interrupt : 00000000

Subtable Type : 01 [I/O APIC]
Length : 0C
I/O Apic ID : 09
Reserved : 00
Address : FEC01000
Interrupt : 00000018

/* ISA IRQ 0 is wired to GSI 2. */
Subtable Type : 02 [Interrupt Source Override]
Length : 0A
Bus : 00
Source : 00
Interrupt : 00000002
Flags (decoded below) : 0000
Polarity : 0
Trigger Mode : 0

/* SCI: level triggered, active low. */
Subtable Type : 02 [Interrupt Source Override]
Length : 0A
Bus : 00
Source : 09
Interrupt : 00000009
Flags (decoded below) : 000F
Polarity : 3
Trigger Mode : 3

Subtable Type : 03 [NMI Source]
Length : 08
Flags (decoded below) : 000D
Polarity : 1
Trigger Mode : 3
Interrupt : 00000001

Subtable Type : 04 [Local APIC NMI]
Length : 06
Processor ID : FF
Flags (decoded below) : 0005
Polarity : 1
Trigger Mode : 1
Interrupt Input LINT : 01

Subtable Type : 0A [Local x2APIC NMI]
Length : 0C
Flags (decoded below) : 0005
Polarity : 1
Trigger Mode : 1
Processor UID : 00000010
Interrupt Input LINT : 01
Reserved : 000000

Subtable Type : 05 [Local APIC Address Override]
Length : 0C
Reserved : 0000
APIC Address : 00000000FEE10000
