/* __start_xen: the whole boot sequence of the bootstrap CPU, in order. */
#include <xen/console.h>
#include <xen/lib.h>
#include <xen/serial.h>
#include <xen/shutdown.h>
#include <asm/current.h>
#include <asm/desc.h>
#include <asm/processor.h>

extern char boot_stack[];

void __start_xen(uint32_t mb_magic, uint32_t mb_info_pa);
void __init __start_xen(uint32_t mb_magic, uint32_t mb_info_pa)
{
    get_cpu_info()->processor_id = 0;
    trap_init();
    percpu_traps_init(0, (unsigned long)boot_stack);

    ns16550_init(0);
    printk("Xen version %d.%d%s (hv)\n", XEN_VERSION, XEN_SUBVERSION,
           XEN_EXTRAVERSION);
    /* BEGIN platform: APIC, time and SMP bring-up (smpboot owner) */
    /* END platform */
    printk("Brought up %u CPUs\n", 1);
    printk("Reached idle loop\n");
    for ( ;; )
        halt();
}
