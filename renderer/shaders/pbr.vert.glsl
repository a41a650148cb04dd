#version 450 core
// Scene meshes for both eyes. SINGLE_PASS (defined by the renderer): each instance is drawn twice, the eye is
// gl_InstanceID % 2 and gl_Layer sends it to that eye's layer of the 2-layer framebuffer. Otherwise u_eye says
// which eye this pass draws and the framebuffer has that eye's layer attached.
#ifdef SINGLE_PASS
#extension GL_ARB_shader_viewport_layer_array : require
#endif

layout(std140, binding = 0) uniform Frame {
    mat4 view_projection[2];  // projection * view per eye (0 = left), column-vector convention
    vec4 eye_position[2];     // xyz: eye position in world space, metres
    vec4 light_direction;     // xyz: unit vector TOWARDS the key light, world space
    vec4 light_color;         // rgb: linear radiance of the key light
    vec4 sky_color;           // rgb: linear ambient from above
    vec4 ground_color;        // rgb: linear ambient from below
} frame;

#ifndef SINGLE_PASS
uniform int u_eye;  // 0 = left, 1 = right
#endif

layout(location = 0) in vec3 a_position;        // metres, model space
layout(location = 1) in vec3 a_normal;          // model space; (0, 0, 0) when the triangle has none
layout(location = 2) in vec2 a_uv;              // v = 0 at the top of the image
layout(location = 3) in vec4 a_color;           // linear RGBA
layout(location = 4) in mat4 i_model;           // per instance (locations 4..7): model -> world
layout(location = 8) in mat3 i_normal_matrix;   // per instance (locations 8..10): cofactor of the model matrix
layout(location = 11) in vec4 i_highlight;      // per instance: rgb glow, a = 1 when on

out vec3 v_world_position;
out vec3 v_normal;
out vec2 v_uv;
out vec4 v_color;
out vec4 v_highlight;
flat out int v_eye;

void main() {
#ifdef SINGLE_PASS
    int eye = gl_InstanceID % 2;
    gl_Layer = eye;
#else
    int eye = u_eye;
#endif
    vec4 world = i_model * vec4(a_position, 1.0);
    v_world_position = world.xyz;
    v_normal = i_normal_matrix * a_normal;
    v_uv = a_uv;
    v_color = a_color;
    v_highlight = i_highlight;
    v_eye = eye;
    gl_Position = frame.view_projection[eye] * world;
}
