# SPDX-License-Identifier: GPL-2.0-only
"""libhvxc (tools/libxc, tools/include/hvxc.h) from Python through ctypes.

Every failure raises Error carrying the errno and libhvxc's own message
(xc_last_error).  HVXC_LIB names the library to load (the host tests load
one built over a fake /dev/xen); the default is the installed soname.
"""
import ctypes
import logging
import os

u8, u16, u32, u64 = (ctypes.c_uint8, ctypes.c_uint16, ctypes.c_uint32,
                     ctypes.c_uint64)

DOMINF_DYING, DOMINF_SHUTDOWN, DOMINF_PAUSED = 1 << 0, 1 << 2, 1 << 3
DOMINF_BLOCKED, DOMINF_RUNNING = 1 << 4, 1 << 5
VCPUAFFINITY_HARD = 1 << 0


class Error(Exception):
    def __init__(self, errno, message):
        Exception.__init__(self, '%s (errno %d: %s)'
                           % (message, errno, os.strerror(errno)))
        self.errno = errno
        self.message = message


class DomInfo(ctypes.Structure):
    _fields_ = [('domain', u16), ('pad1', u16), ('flags', u32),
                ('tot_pages', u64), ('max_pages', u64),
                ('outstanding_pages', u64), ('shr_pages', u64),
                ('paged_pages', u64), ('shared_info_frame', u64),
                ('cpu_time', u64), ('nr_online_vcpus', u32),
                ('max_vcpu_id', u32), ('ssidref', u32),
                ('handle', u8 * 16), ('cpupool', u32), ('gpaddr_bits', u8),
                ('pad2', u8 * 7), ('arch_config', u8 * 8)]


class PhysInfo(ctypes.Structure):
    _fields_ = [('threads_per_core', u32), ('cores_per_socket', u32),
                ('nr_cpus', u32), ('max_cpu_id', u32), ('nr_nodes', u32),
                ('max_node_id', u32), ('cpu_khz', u32),
                ('capabilities', u32), ('arch_capabilities', u32),
                ('pad', u32), ('total_pages', u64), ('free_pages', u64),
                ('scrub_pages', u64), ('outstanding_pages', u64),
                ('max_mfn', u64), ('hw_cap', u32 * 8)]


class PvConfig(ctypes.Structure):
    _fields_ = [('kernel', ctypes.c_char_p), ('ramdisk', ctypes.c_char_p),
                ('cmdline', ctypes.c_char_p), ('memory_kb', u64),
                ('maxmem_kb', u64), ('vcpus', u32), ('domid', u32),
                ('console_domid', u32), ('store_domid', u32),
                ('handle', u8 * 16), ('kernel_cache', ctypes.c_char_p)]


class PvResult(ctypes.Structure):
    _fields_ = [('domid', u32), ('console_mfn', u64), ('store_mfn', u64),
                ('console_port', u32), ('store_port', u32),
                ('nr_pages', u64), ('virt_base', u64), ('virt_entry', u64)]


class VcpuInfo(ctypes.Structure):
    _fields_ = [('vcpu', u32), ('online', u8), ('blocked', u8),
                ('running', u8), ('cpu_time', u64), ('cpu', u32)]


class SchedCredit(ctypes.Structure):
    _fields_ = [('weight', u16), ('cap', u16)]


assert ctypes.sizeof(DomInfo) == 112 and ctypes.sizeof(PvConfig) == 80
assert ctypes.sizeof(PvResult) == 56

_P = ctypes.c_void_p
_SIGS = {
    'xc_interface_open': (_P, [_P, _P]),
    'xc_interface_close': (ctypes.c_int, [_P]),
    'xc_last_error': (ctypes.c_char_p, [_P]),
    'xc_domain_destroy': (ctypes.c_int, [_P, u32]),
    'xc_domain_pause': (ctypes.c_int, [_P, u32]),
    'xc_domain_unpause': (ctypes.c_int, [_P, u32]),
    'xc_domain_getinfo_single': (ctypes.c_int, [_P, u32, _P]),
    'xc_domain_getinfolist': (ctypes.c_int, [_P, u32, ctypes.c_uint, _P]),
    'xc_domain_max_mem': (ctypes.c_int, [_P, u32, u64]),
    'xc_domain_set_pod_target': (ctypes.c_int, [_P, u32, u64]),
    'xc_domain_getvcpuinfo': (ctypes.c_int, [_P, u32, u32, _P]),
    'xc_vcpu_setaffinity': (ctypes.c_int,
                            [_P, u32, u32, _P, _P, ctypes.c_size_t, u32]),
    'xc_vcpu_getaffinity': (ctypes.c_int,
                            [_P, u32, u32, _P, _P, ctypes.c_size_t, u32]),
    'xc_sched_credit_domain_set': (ctypes.c_int, [_P, u32, _P]),
    'xc_sched_credit_domain_get': (ctypes.c_int, [_P, u32, _P]),
    'xc_physinfo': (ctypes.c_int, [_P, _P]),
    'xc_readconsolering': (ctypes.c_int,
                           [_P, _P, _P, ctypes.c_int, _P]),
    'xc_send_debug_keys': (ctypes.c_int, [_P, ctypes.c_char_p]),
    'xc_pv_build': (ctypes.c_int, [_P, _P, _P]),
}

_lib = None


def library():
    """libhvxc, loaded once with its prototypes declared."""
    global _lib
    if _lib is None:
        lib = ctypes.CDLL(os.environ.get('HVXC_LIB', 'libhvxc.so.1'),
                          use_errno=True)
        for name, (res, args) in _SIGS.items():
            fn = getattr(lib, name)
            fn.restype, fn.argtypes = res, args
        _lib = lib
    return _lib


_log = logging.getLogger('xend.hvxc')
XC_LOG_ERROR = 0


def _quiet(opaque, level, msg):
    """The logger: failures are kept by libhvxc and raised, not printed;
    progress (a build's phases and their milliseconds) goes to the
    'xend.hvxc' logger: xend.log at DEBUG, nowhere in xm."""
    if level != XC_LOG_ERROR:
        _log.debug('libhvxc: %s', msg.decode('utf-8', 'replace'))


_LOGGER = ctypes.CFUNCTYPE(None, _P, ctypes.c_int, ctypes.c_char_p)(_quiet)


class Interface(object):
    """One xc_interface handle; not for use by two threads at once."""

    def __init__(self):
        self.lib = library()
        self.xch = self.lib.xc_interface_open(_LOGGER, None)
        if not self.xch:
            e = ctypes.get_errno()
            raise Error(e, 'xc_interface_open: %s' % os.strerror(e))

    def close(self):
        if self.xch:
            self.lib.xc_interface_close(self.xch)
            self.xch = None

    def _call(self, name, *args):
        rc = getattr(self.lib, name)(self.xch, *args)
        if rc < 0:
            msg = self.lib.xc_last_error(self.xch) or b''
            raise Error(ctypes.get_errno(), msg.decode('utf-8', 'replace')
                        or name)
        return rc

    def domain_getinfo(self, domid):
        info = DomInfo()
        self._call('xc_domain_getinfo_single', domid, ctypes.byref(info))
        return info

    def domain_list(self, first=0, max_doms=1024):
        buf = (DomInfo * max_doms)()
        n = self._call('xc_domain_getinfolist', first, max_doms, buf)
        return list(buf[:n])

    def pv_build(self, kernel, memory_kb, maxmem_kb=0, vcpus=1,
                 ramdisk=None, cmdline=None, uuid=None, kernel_cache=None):
        """Creates and builds a paused PV domain; returns a PvResult.
        kernel_cache: a directory to keep unpacked kernels in, or None."""
        cfg = PvConfig(kernel=kernel.encode(), memory_kb=memory_kb,
                       maxmem_kb=maxmem_kb, vcpus=vcpus)
        cfg.ramdisk = ramdisk.encode() if ramdisk else None
        cfg.cmdline = cmdline.encode() if cmdline else None
        cfg.kernel_cache = kernel_cache.encode() if kernel_cache else None
        if uuid:
            cfg.handle[:] = list(bytes.fromhex(uuid.replace('-', '')))
        res = PvResult()
        self._call('xc_pv_build', ctypes.byref(cfg), ctypes.byref(res))
        return res

    def domain_destroy(self, domid):
        self._call('xc_domain_destroy', domid)

    def domain_pause(self, domid):
        self._call('xc_domain_pause', domid)

    def domain_unpause(self, domid):
        self._call('xc_domain_unpause', domid)

    def domain_max_mem(self, domid, kib):
        self._call('xc_domain_max_mem', domid, kib)

    def domain_set_target(self, domid, pages):
        """The populate-on-demand target, in pages."""
        self._call('xc_domain_set_pod_target', domid, pages)

    def vcpu_getinfo(self, domid, vcpu):
        info = VcpuInfo()
        self._call('xc_domain_getvcpuinfo', domid, vcpu, ctypes.byref(info))
        return info

    def vcpu_getaffinity(self, domid, vcpu, nr_cpus):
        hard = (u8 * ((nr_cpus + 7) // 8))()
        self._call('xc_vcpu_getaffinity', domid, vcpu, hard, None,
                   len(hard), VCPUAFFINITY_HARD)
        return [c for c in range(nr_cpus) if hard[c // 8] >> (c % 8) & 1]

    def vcpu_setaffinity(self, domid, vcpu, cpus, nr_cpus):
        hard = (u8 * ((nr_cpus + 7) // 8))()
        for c in cpus:
            if not 0 <= c < nr_cpus:
                raise Error(22, 'vcpu affinity: no cpu %d' % c)
            hard[c // 8] |= 1 << (c % 8)
        self._call('xc_vcpu_setaffinity', domid, vcpu, hard, None,
                   len(hard), VCPUAFFINITY_HARD)

    def sched_credit_get(self, domid):
        p = SchedCredit()
        self._call('xc_sched_credit_domain_get', domid, ctypes.byref(p))
        return p.weight, p.cap

    def sched_credit_set(self, domid, weight, cap):
        p = SchedCredit(weight=weight, cap=cap)
        self._call('xc_sched_credit_domain_set', domid, ctypes.byref(p))

    def physinfo(self):
        p = PhysInfo()
        self._call('xc_physinfo', ctypes.byref(p))
        return p

    def readconsolering(self, clear=False, size=1 << 16):
        buf = ctypes.create_string_buffer(size)
        count = ctypes.c_uint(size)
        self._call('xc_readconsolering', buf, ctypes.byref(count),
                   int(clear), None)
        return buf.raw[:count.value].decode('utf-8', 'replace')

    def send_debug_keys(self, keys):
        self._call('xc_send_debug_keys', keys.encode())
