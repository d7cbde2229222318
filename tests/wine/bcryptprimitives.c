/* Test-only shim for running the Windows bundle under Wine 8; never part of the bundle.
 *
 * 1. Wine 8 has no bcryptprimitives.dll: Rust-built extension modules (python-calamine, pydantic-core) import
 *    ProcessPrng from it, as Windows 8.1+ provides. ProcessPrng here forwards to RtlGenRandom
 *    (advapi32!SystemFunction036).
 * 2. Wine 8's ucrtbase.dll exports the C99 complex functions (crealf, cimagf, cexp, ...) as stubs that abort the
 *    process; numpy 2 calls crealf while it imports. Loading this DLL overwrites each such stub with a jump to an
 *    implementation here (MSVC's _Fcomplex/_Dcomplex are structs; long double is double on Windows).
 * 3. Likewise propsys.dll's VariantToString, which CPython's platform module calls through WMI (_wmi.pyd) when
 *    pandas imports.
 *
 * Built by tests/test_bundle.py with mingw-w64 into the Wine prefix's system32, and loaded by a .pth file that the
 * test adds to its own unpacked copy of the bundle. */
#include <windows.h>
#include <oleauto.h>
#include <complex.h>
#include <string.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T size)
{
    while (size > 0) {
        ULONG chunk = size > 0x40000000 ? 0x40000000 : (ULONG)size;
        if (!SystemFunction036(data, chunk))
            return FALSE;
        data += chunk;
        size -= chunk;
    }
    return TRUE;
}

typedef struct { float v[2]; } Fc;
typedef struct { double v[2]; } Dc;

static float _Complex f2c(Fc z) { return z.v[0] + z.v[1] * I; }
static double _Complex d2c(Dc z) { return z.v[0] + z.v[1] * I; }
static Fc c2f(float _Complex z) { Fc r = {{crealf(z), cimagf(z)}}; return r; }
static Dc c2d(double _Complex z) { Dc r = {{creal(z), cimag(z)}}; return r; }

static float zw_crealf(Fc z) { return z.v[0]; }
static float zw_cimagf(Fc z) { return z.v[1]; }
static double zw_cimag(Dc z) { return z.v[1]; }
static double zw_creal(Dc z) { return z.v[0]; }
static Fc zw_conjf(Fc z) { Fc r = {{z.v[0], -z.v[1]}}; return r; }
static Dc zw_conj(Dc z) { Dc r = {{z.v[0], -z.v[1]}}; return r; }
static float zw_cabsf(Fc z) { return cabsf(f2c(z)); }
static double zw_cabs(Dc z) { return cabs(d2c(z)); }
static float zw_cargf(Fc z) { return cargf(f2c(z)); }
static double zw_carg(Dc z) { return carg(d2c(z)); }
static Fc zw_cpowf(Fc a, Fc b) { return c2f(cpowf(f2c(a), f2c(b))); }
static Dc zw_cpow(Dc a, Dc b) { return c2d(cpow(d2c(a), d2c(b))); }
static Fc zw_FCbuild(float re, float im) { Fc r = {{re, im}}; return r; }
static Dc zw_LCbuild(double re, double im) { Dc r = {{re, im}}; return r; }
static Fc zw_FCmulcc(Fc a, Fc b) { return c2f(f2c(a) * f2c(b)); }
static Dc zw_Cmulcc(Dc a, Dc b) { return c2d(d2c(a) * d2c(b)); }

#define UNARY(name) \
    static Fc zw_##name##f(Fc z) { return c2f(name##f(f2c(z))); } \
    static Dc zw_##name(Dc z) { return c2d(name(d2c(z))); }
UNARY(cexp) UNARY(clog) UNARY(csqrt) UNARY(csin) UNARY(ccos) UNARY(ctan) UNARY(csinh) UNARY(ccosh) UNARY(ctanh)
UNARY(casin) UNARY(cacos) UNARY(catan) UNARY(casinh) UNARY(cacosh) UNARY(catanh) UNARY(cproj)

#define BOTH(name) {#name "f", (void *)zw_##name##f}, {#name, (void *)zw_##name}, {#name "l", (void *)zw_##name}
static const struct { const char *name; void *impl; } table[] = {
    {"crealf", (void *)zw_crealf}, {"cimagf", (void *)zw_cimagf}, {"cimag", (void *)zw_cimag},
    {"creall", (void *)zw_creal}, {"cimagl", (void *)zw_cimag},
    BOTH(conj), BOTH(cabs), BOTH(carg), BOTH(cpow), BOTH(cexp), BOTH(clog), BOTH(csqrt), BOTH(csin), BOTH(ccos),
    BOTH(ctan), BOTH(csinh), BOTH(ccosh), BOTH(ctanh), BOTH(casin), BOTH(cacos), BOTH(catan), BOTH(casinh),
    BOTH(cacosh), BOTH(catanh), BOTH(cproj),
    {"_FCbuild", (void *)zw_FCbuild}, {"_LCbuild", (void *)zw_LCbuild},
    {"_FCmulcc", (void *)zw_FCmulcc}, {"_Cmulcc", (void *)zw_Cmulcc}, {"_LCmulcc", (void *)zw_Cmulcc},
};

static HRESULT WINAPI zw_VariantToString(const VARIANT *in, PWSTR buf, UINT cch)
{
    VARIANT v;
    VariantInit(&v);
    HRESULT hr = VariantChangeType(&v, (VARIANT *)in, 0, VT_BSTR);
    if (FAILED(hr))
        return hr;
    UINT n = SysStringLen(v.bstrVal);
    if (n + 1 > cch) {
        VariantClear(&v);
        return HRESULT_FROM_WIN32(ERROR_INSUFFICIENT_BUFFER);
    }
    memcpy(buf, v.bstrVal, (n + 1) * sizeof(WCHAR));
    VariantClear(&v);
    return S_OK;
}

/* Overwrite the stub's first bytes with `jmp [rip+0]; .quad impl` (Wine's stubs are separate thunks). */
static void patch(HMODULE crt, const char *name, void *impl)
{
    unsigned char *stub = (unsigned char *)GetProcAddress(crt, name);
    DWORD old;
    if (!stub || !VirtualProtect(stub, 14, PAGE_EXECUTE_READWRITE, &old))
        return;
    stub[0] = 0xFF; stub[1] = 0x25; memset(stub + 2, 0, 4);
    memcpy(stub + 6, &impl, 8);
    VirtualProtect(stub, 14, old, &old);
    FlushInstructionCache(GetCurrentProcess(), stub, 14);
}

BOOL WINAPI DllMain(HINSTANCE inst, DWORD reason, LPVOID reserved)
{
    (void)inst; (void)reserved;
    if (reason == DLL_PROCESS_ATTACH) {
        HMODULE crt = LoadLibraryA("ucrtbase.dll");
        /* Only Wine's stubs: a real implementation (Windows, a later Wine) is left alone. */
        if (crt && GetProcAddress(GetModuleHandleA("ntdll.dll"), "wine_get_version"))
        {
            for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
                patch(crt, table[i].name, table[i].impl);
            patch(LoadLibraryA("propsys.dll"), "VariantToString", (void *)zw_VariantToString);
        }
    }
    return TRUE;
}
