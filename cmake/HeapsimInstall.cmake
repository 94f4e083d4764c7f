# Install rules and the CMake package: after `cmake --install BUILD --prefix P`,
# a project does find_package(heapsim) and links heapsim::zephyr (Zephyr's
# heap API over the port), heapsim::heap (the port, heap.h) or heapsim::sim
# (the simulator, sim.h).
#   P/bin/heapsim, P/bin/heap-trace
#   P/include/heapsim/{heap.h,oob_heap.h,sim.h}, P/include/zephyr/...
#   P/lib/lib*.a, P/lib/cmake/heapsim/heapsim{Config,ConfigVersion,Targets}.cmake
include_guard(GLOBAL)
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(HEAPSIM_INSTALL_CMAKEDIR ${CMAKE_INSTALL_LIBDIR}/cmake/heapsim)
set(HEAPSIM_INSTALL_HEADERDIR ${CMAKE_INSTALL_INCLUDEDIR}/heapsim)

# The layers name their header directory as a source path; installed, the
# headers live in include/heapsim. Rewritten here so the layers stay as they are.
function(heapsim_export_includes target)
  get_target_property(dirs ${target} INTERFACE_INCLUDE_DIRECTORIES)
  set(fixed "")
  foreach(d IN LISTS dirs)
    if(d MATCHES "^\\$<")
      list(APPEND fixed "${d}")
    else()
      list(APPEND fixed "$<BUILD_INTERFACE:${d}>")
    endif()
  endforeach()
  list(APPEND fixed "$<INSTALL_INTERFACE:${HEAPSIM_INSTALL_HEADERDIR}>")
  set_property(TARGET ${target} PROPERTY INTERFACE_INCLUDE_DIRECTORIES "${fixed}")
endfunction()

set(_exported heap heapsim_zephyr)
heapsim_export_includes(heap)
set_target_properties(heap PROPERTIES EXPORT_NAME heap)
install(FILES ${PROJECT_SOURCE_DIR}/heap/heap.h ${PROJECT_SOURCE_DIR}/heap/oob_heap.h
        DESTINATION ${HEAPSIM_INSTALL_HEADERDIR})
if(TARGET sim)
  heapsim_export_includes(sim)
  set_target_properties(sim PROPERTIES EXPORT_NAME sim)
  list(APPEND _exported sim)
  install(FILES ${PROJECT_SOURCE_DIR}/sim/sim.h DESTINATION ${HEAPSIM_INSTALL_HEADERDIR})
endif()
install(DIRECTORY ${PROJECT_SOURCE_DIR}/include/zephyr DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})

install(TARGETS ${_exported} EXPORT heapsimTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR})
foreach(tool heapsim heap-trace)
  if(TARGET ${tool})
    install(TARGETS ${tool} RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
  endif()
endforeach()

install(EXPORT heapsimTargets NAMESPACE heapsim:: DESTINATION ${HEAPSIM_INSTALL_CMAKEDIR})
configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/heapsimConfig.cmake.in
  ${PROJECT_BINARY_DIR}/heapsimConfig.cmake INSTALL_DESTINATION ${HEAPSIM_INSTALL_CMAKEDIR})
write_basic_package_version_file(${PROJECT_BINARY_DIR}/heapsimConfigVersion.cmake
  VERSION ${PROJECT_VERSION} COMPATIBILITY SameMajorVersion)
install(FILES ${PROJECT_BINARY_DIR}/heapsimConfig.cmake
              ${PROJECT_BINARY_DIR}/heapsimConfigVersion.cmake
        DESTINATION ${HEAPSIM_INSTALL_CMAKEDIR})
