// framework/src/rt/word_names.cc
//
// NameWord(): a data address as the program's source names it, from its
// DWARF (elfutils libdwfl on the running process). Built once per process,
// on the first report that needs it: an index of every variable with a
// static address (globals, namespace and function statics), sorted by
// address; a word inside one is named by walking its type to the member or
// element that holds it. Without debug information the symbol table gives
// "symbol+offset"; a word in no variable (heap, stack) is named by its kapi
// object id, or as unnamed.

#include "word_names.h"

#include "rtfuzz/rt/word_alias.h"

#include <dwarf.h>
#include <elfutils/libdw.h>
#include <elfutils/libdwfl.h>
#include <unistd.h>

#include <cxxabi.h>

#include <algorithm>
#include <cinttypes>
#include <cstdlib>
#include <cstdio>
#include <mutex>
#include <string>
#include <vector>

namespace rtfuzz::rt::internal {
namespace {

struct Variable {
  uintptr_t start;
  uint64_t size;
  Dwarf* dwarf;
  Dwarf_Off die;  // Offset of the variable's DIE.
  std::string name;
};

struct Index {
  Dwfl* dwfl = nullptr;
  std::vector<Variable> variables;  // By start.
};

const Dwfl_Callbacks kCallbacks = {
    .find_elf = dwfl_linux_proc_find_elf,
    .find_debuginfo = dwfl_standard_find_debuginfo,
    .section_address = nullptr,
    .debuginfo_path = nullptr,
};

// The name of a DIE, following DW_AT_specification/abstract_origin.
std::string DieName(Dwarf_Die* die) {
  Dwarf_Attribute attr;
  const char* name = dwarf_formstring(dwarf_attr_integrate(die, DW_AT_name, &attr));
  return name != nullptr ? name : "";
}

bool TypeOf(Dwarf_Die* die, Dwarf_Die* type) {
  Dwarf_Attribute attr;
  return dwarf_formref_die(dwarf_attr_integrate(die, DW_AT_type, &attr), type) != nullptr;
}

// A variable DIE whose location is one address operation (DW_OP_addr, or
// DWARF 5's DW_OP_addrx into .debug_addr, as clang emits): its (unbiased)
// address.
bool StaticAddress(Dwarf_Die* die, Dwarf_Addr* addr) {
  Dwarf_Attribute attr;
  if (dwarf_attr(die, DW_AT_location, &attr) == nullptr) return false;
  Dwarf_Op* ops = nullptr;
  size_t n = 0;
  if (dwarf_getlocation(&attr, &ops, &n) != 0 || n != 1) return false;
  if (ops[0].atom == DW_OP_addr) {
    *addr = ops[0].number;
    return true;
  }
  if (ops[0].atom == DW_OP_addrx || ops[0].atom == DW_OP_GNU_addr_index) {
    Dwarf_Attribute result;
    return dwarf_getlocation_attr(&attr, &ops[0], &result) == 0 &&
           dwarf_formaddr(&result, addr) == 0;
  }
  return false;
}

// Every variable with a static address under `die` (namespaces, classes,
// functions and their blocks included), by its own name: no namespace, as
// g++ puts a namespace variable's definition at the top of its unit (with
// DW_AT_specification) and clang inside the namespace, and a name in a
// report or a signature must not depend on the compiler.
void Collect(Dwarf* dwarf, Dwarf_Die* die, Dwarf_Addr bias, std::vector<Variable>* out) {
  Dwarf_Die child;
  if (dwarf_child(die, &child) != 0) return;
  do {
    const int tag = dwarf_tag(&child);
    if (tag == DW_TAG_variable) {
      Dwarf_Addr addr;
      Dwarf_Die type;
      Dwarf_Word size = 0;
      if (StaticAddress(&child, &addr) && TypeOf(&child, &type) &&
          dwarf_aggregate_size(&type, &size) == 0 && size > 0) {
        out->push_back(Variable{static_cast<uintptr_t>(addr + bias), size, dwarf,
                                dwarf_dieoffset(&child), DieName(&child)});
      }
    } else if (tag == DW_TAG_namespace || tag == DW_TAG_subprogram ||
               tag == DW_TAG_lexical_block || tag == DW_TAG_structure_type ||
               tag == DW_TAG_class_type) {
      Collect(dwarf, &child, bias, out);
    }
  } while (dwarf_siblingof(&child, &child) == 0);
}

int CollectModule(Dwfl_Module* module, void**, const char*, Dwarf_Addr, void* arg) {
  Dwarf_Addr bias = 0;
  Dwarf* dwarf = dwfl_module_getdwarf(module, &bias);
  if (dwarf == nullptr) return DWARF_CB_OK;
  auto* out = static_cast<std::vector<Variable>*>(arg);
  Dwarf_Off offset = 0, next = 0;
  size_t header = 0;
  while (dwarf_nextcu(dwarf, offset, &next, &header, nullptr, nullptr, nullptr) == 0) {
    Dwarf_Die cu;
    if (dwarf_offdie(dwarf, offset + header, &cu) != nullptr) Collect(dwarf, &cu, bias, out);
    offset = next;
  }
  return DWARF_CB_OK;
}

// The process's debug-information session, opened once (nullptr if it
// cannot be); word names and code addresses share it.
Dwfl* ProcessDwfl() {
  static Dwfl* const dwfl = [] {
    Dwfl* d = dwfl_begin(&kCallbacks);
    if (d != nullptr && (dwfl_linux_proc_report(d, getpid()) != 0 ||
                         dwfl_report_end(d, nullptr, nullptr) != 0)) {
      dwfl_end(d);
      d = nullptr;
    }
    return d;
  }();
  return dwfl;
}

Index& TheIndex() {
  static Index index;
  static std::once_flag once;
  std::call_once(once, [] {
    index.dwfl = ProcessDwfl();
    if (index.dwfl == nullptr) return;
    dwfl_getmodules(index.dwfl, CollectModule, &index.variables, 0);
    std::sort(index.variables.begin(), index.variables.end(),
              [](const Variable& a, const Variable& b) { return a.start < b.start; });
  });
  return index;
}

// Appends the member or element path of byte `offset` inside `type`; in
// object mode (`whole`), stops at the first sub-object that starts there.
void MemberPath(Dwarf_Die* type, uint64_t offset, bool whole, std::string* out) {
  for (int depth = 0; depth < 16; ++depth) {
    if (whole && offset == 0) return;
    Dwarf_Die peeled;
    if (dwarf_peel_type(type, &peeled) < 0) return;
    const int tag = dwarf_tag(&peeled);
    if (tag == DW_TAG_array_type) {
      Dwarf_Die element;
      Dwarf_Word element_size = 0;
      if (!TypeOf(&peeled, &element) || dwarf_aggregate_size(&element, &element_size) != 0 ||
          element_size == 0) {
        return;
      }
      // Dimensions, outermost first.
      std::vector<uint64_t> counts;
      Dwarf_Die sub;
      if (dwarf_child(&peeled, &sub) == 0) {
        do {
          if (dwarf_tag(&sub) != DW_TAG_subrange_type) continue;
          Dwarf_Attribute attr;
          Dwarf_Word count = 0;
          if (dwarf_formudata(dwarf_attr(&sub, DW_AT_count, &attr), &count) == 0) {
            counts.push_back(count);
          } else if (dwarf_formudata(dwarf_attr(&sub, DW_AT_upper_bound, &attr), &count) == 0) {
            counts.push_back(count + 1);
          } else {
            counts.push_back(1);
          }
        } while (dwarf_siblingof(&sub, &sub) == 0);
      }
      uint64_t stride = element_size;
      for (size_t i = 1; i < counts.size(); ++i) stride *= counts[i];
      for (size_t i = 0; i < counts.size(); ++i) {
        *out += "[" + std::to_string(offset / stride) + "]";
        offset %= stride;
        if (i + 1 < counts.size()) stride /= counts[i + 1];
      }
      *type = element;
      continue;
    }
    if (tag != DW_TAG_structure_type && tag != DW_TAG_class_type && tag != DW_TAG_union_type) {
      return;  // A scalar: the path is complete.
    }
    Dwarf_Die member;
    bool found = false;
    if (dwarf_child(&peeled, &member) == 0) {
      do {
        const int mtag = dwarf_tag(&member);
        if (mtag != DW_TAG_member && mtag != DW_TAG_inheritance) continue;
        Dwarf_Attribute attr;
        Dwarf_Word at = 0;
        Dwarf_Die mtype;
        Dwarf_Word msize = 0;
        if (dwarf_attr(&member, DW_AT_data_member_location, &attr) != nullptr &&
            dwarf_formudata(&attr, &at) != 0) {
          continue;  // A location expression: not a plain offset.
        }
        if (!TypeOf(&member, &mtype) || dwarf_aggregate_size(&mtype, &msize) != 0) continue;
        if (offset < at || offset >= at + msize) continue;
        if (mtag == DW_TAG_member) {
          const std::string name = DieName(&member);
          if (!name.empty()) *out += "." + name;
        }
        offset -= at;
        *type = mtype;
        found = true;
        break;
      } while (dwarf_siblingof(&member, &member) == 0);
    }
    if (!found) return;
  }
}

WordAliasFn g_alias = nullptr;

}  // namespace

std::string NameCode(uint64_t ip) {
  Dwfl* dwfl = ProcessDwfl();
  if (dwfl == nullptr || ip == 0) return "";
  Dwfl_Module* module = dwfl_addrmodule(dwfl, ip);
  if (module == nullptr) return "";
  std::string out;
  if (const char* name = dwfl_module_addrname(module, ip)) {
    int status = 0;
    char* demangled = abi::__cxa_demangle(name, nullptr, nullptr, &status);
    out = status == 0 && demangled != nullptr ? demangled : name;
    std::free(demangled);
  }
  if (Dwfl_Line* line = dwfl_module_getsrc(module, ip)) {
    int lineno = 0;
    if (const char* file = dwfl_lineinfo(line, nullptr, &lineno, nullptr, nullptr, nullptr)) {
      out += std::string(out.empty() ? "" : " at ") + file + ":" + std::to_string(lineno);
    }
  }
  return out;
}

std::string NameWord(const volatile void* addr, uint32_t size, uint32_t object) {
  const volatile void* original = nullptr;
  int copy = 0;
  if (WordAliasFn alias = g_alias; alias != nullptr && alias(addr, &original, &copy)) {
    return NameWord(original, size, object) + " (CPU" + std::to_string(copy) + "'s copy)";
  }
  static std::mutex mu;  // libdw is not thread-safe; reports are rare.
  const std::lock_guard<std::mutex> lock(mu);
  Index& index = TheIndex();
  const auto a = reinterpret_cast<uintptr_t>(addr);
  auto it = std::upper_bound(index.variables.begin(), index.variables.end(), a,
                             [](uintptr_t x, const Variable& v) { return x < v.start; });
  if (it != index.variables.begin()) {
    const Variable& v = *(it - 1);
    if (a < v.start + v.size) {
      std::string name = v.name;
      Dwarf_Die die, type;
      if (dwarf_offdie(v.dwarf, v.die, &die) != nullptr && TypeOf(&die, &type)) {
        MemberPath(&type, a - v.start, /*whole=*/size == 0, &name);
      }
      return name;
    }
  }
  if (index.dwfl != nullptr) {
    if (Dwfl_Module* module = dwfl_addrmodule(index.dwfl, a)) {
      GElf_Off offset = 0;
      GElf_Sym sym;
      const char* name =
          dwfl_module_addrinfo(module, a, &offset, &sym, nullptr, nullptr, nullptr);
      if (name != nullptr && GELF_ST_TYPE(sym.st_info) == STT_OBJECT) {
        char text[32];
        std::snprintf(text, sizeof(text), "+%#" PRIx64, static_cast<uint64_t>(offset));
        int status = 0;
        char* demangled = abi::__cxa_demangle(name, nullptr, nullptr, &status);
        std::string shown = status == 0 && demangled != nullptr ? demangled : name;
        std::free(demangled);
        // No namespace, as the DWARF names above: "(anonymous namespace)::
        // counter" is "counter" (a template argument's "::" stays).
        const size_t colons = shown.rfind("::", shown.find('<'));
        if (colons != std::string::npos) shown.erase(0, colons + 2);
        return shown + (offset != 0 ? text : "");
      }
    }
  }
  if (object != 0) return "kapi object #" + std::to_string(object);
  return "an unnamed word (not in a static variable)";
}

}  // namespace rtfuzz::rt::internal

void rtfuzz::rt::SetWordAlias(WordAliasFn fn) { internal::g_alias = fn; }
