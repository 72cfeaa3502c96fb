# rampart_set_warnings(target): the project's warning set, -Werror when RAMPART_WERROR is ON (CI).
function(rampart_set_warnings target)
  target_compile_options(${target} PRIVATE
    -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wold-style-cast -Wcast-align
    -Woverloaded-virtual -Wconversion -Wsign-conversion -Wdouble-promotion
    -Wimplicit-fallthrough
    # Designated initializers that leave defaulted members out are the intended style.
    -Wno-missing-field-initializers)
  if(RAMPART_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()
