#version 450 core
// The floor grid: world-space line vertices (drawn with the identity), coloured, unlit. Its own program because a
// line touches many 4x4 pixel blocks with a pixel or two each, and a software rasteriser shades whole blocks: the
// scene shader's cost per block made the grid cost more than the scene. Eye selection as in pbr.vert.glsl.
#ifdef SINGLE_PASS
#extension GL_ARB_shader_viewport_layer_array : require
#endif

layout(std140, binding = 0) uniform Frame {
    mat4 view_projection[2];  // projection * view per eye (0 = left), column-vector convention
    vec4 eye_position[2];
    vec4 light_direction;
    vec4 light_color;
    vec4 sky_color;
    vec4 ground_color;
} frame;

#ifndef SINGLE_PASS
uniform int u_eye;  // 0 = left, 1 = right
#endif

layout(location = 0) in vec3 a_position;  // metres, world space (on the floor, y = 0)
layout(location = 3) in vec4 a_color;     // linear RGBA

out vec3 v_color;

void main() {
#ifdef SINGLE_PASS
    int eye = gl_InstanceID % 2;
    gl_Layer = eye;
#else
    int eye = u_eye;
#endif
    v_color = a_color.rgb;
    gl_Position = frame.view_projection[eye] * vec4(a_position, 1.0);
}
